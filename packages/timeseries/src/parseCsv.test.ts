import { describe, expect, it } from "vitest";
import { CsvError } from "./CsvError.ts";
import type { CsvOptions } from "./CsvIngest.ts";
import { parseCsv } from "./parseCsv.ts";

const opts: CsvOptions = { defaultKey: "main" };
const day = (d: number): number => Date.UTC(2020, 0, d);

function csvError(text: string, options: Partial<CsvOptions> = {}): CsvError {
  try {
    parseCsv(text, { ...opts, ...options });
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
  throw new Error("expected a CsvError");
}

describe("parseCsv rejects malformed files with the right line", () => {
  const long = "date,symbol,close\n";
  it.each<[string, string, Partial<CsvOptions>, string]>([
    ["bad number", "date,close\n2020-01-01,1\n2020-01-02,abc\n", {}, `line 3: column "close": "abc" is not a number`],
    ["bad time", "date,close\n2020-01-01,1\n2020-13-01,2\n", {}, `line 3: cannot parse time "2020-13-01"`],
    ["a number that overflows to Infinity", "date,close\n2020-01-01,1\n2020-01-02,1e309\n", {}, `line 3: column "close": "1e309" is not a finite number`],
    ["one that overflows to -Infinity", "date,close\n2020-01-01,-9e999\n", {}, `line 2: column "close": "-9e999" is not a finite number`],
    ["Infinity written out", "date,close\n2020-01-01,Infinity\n", {}, `line 2: column "close": "Infinity" is not a number`],
    ["-inf written out", "date,close\n2020-01-01,-inf\n", {}, `line 2: column "close": "-inf" is not a number`],
    ["more values than maxCells", "date,open,close\n2020-01-01,1,2\n2020-01-02,3,4\n2020-01-03,5,6\n", { maxCells: 7 }, "line 4: more than 2 rows of 3 values each: the limit is 7 values (maxCells)"],
    [
      "more series than maxSeries",
      `${long}2020-01-01,A,1\n2020-01-01,B,2\n2020-01-02,A,3\n2020-01-01,C,4\n`,
      { maxSeries: 2 },
      `line 5: key "C" would be series 3; the limit is 2 series per dataset (maxSeries)`,
    ],
    ["too few cells", "date,open,close\n2020-01-01,1\n", {}, "line 2: expected 3 cells, got 2"],
    ["too many cells", "date,close\n2020-01-01,1,2\n", {}, "line 2: expected 2 cells, got 3"],
    [
      "duplicate time",
      `${long}2020-01-02,AAPL,1\n2020-01-02,MSFT,2\n2020-01-03,AAPL,3\n2020-01-02,AAPL,4\n`,
      {},
      `line 5: duplicate time 2020-01-02T00:00:00.000Z for key "AAPL" (also on line 2)`,
    ],
    [
      "earliest duplicate among keys",
      `${long}2020-01-05,B,1\n2020-01-04,A,1\n2020-01-05,B,2\n2020-01-04,A,2\n2020-01-05,B,3\n`,
      {},
      `line 4: duplicate time 2020-01-05T00:00:00.000Z for key "B" (also on line 2)`,
    ],
    [
      "missing time column",
      "Open,Close\n1,2\n",
      {},
      "line 1: no time column (time, date, timestamp or datetime) in header: open, close",
    ],
    ["missing named time column", "date,close\n", { timeColumn: "when" }, `line 1: no time column "when" in header: date, close`],
    ["missing named key column", "date,close\n", { keyColumn: "sym" }, `line 1: no key column "sym" in header: date, close`],
    ["key is the time column", "date,close\n", { keyColumn: "DATE" }, `line 1: column "date" cannot be both time and key`],
    [
      "quoted newline shifts later lines",
      `${long}2020-01-01,"multi\nline\nkey",1\n2020-01-02,X,oops\n`,
      {},
      `line 5: column "close": "oops" is not a number`,
    ],
    [
      "error inside a multi-line record reports its first line",
      `date,close\n2020-01-01,1\n2020-01-02,"1\r\n2"\n`,
      {},
      `line 3: column "close": "1\\r\\n2" is not a number`,
    ],
    ["CRLF line endings", "date,close\r\n2020-01-01,1\r\n2020-01-02,x\r\n", {}, `line 3: column "close": "x" is not a number`],
    ["blank lines still count", "date,close\n\n2020-01-01,1\n\r\n  \nbad,1", {}, `line 6: cannot parse time "bad"`],
    ["BOM does not shift lines", "\uFEFFdate,close\n2020-01-01,z\n", {}, `line 2: column "close": "z" is not a number`],
    ["unterminated quote at EOF", `date,close\n2020-01-01,1\n2020-01-02,"2\n2020-01-03,3\n`, {}, "line 3: unterminated quoted field"],
    ["text after a closing quote", `date,close\n2020-01-01,"1"2\n`, {}, "line 2: unexpected text after a closing quote in cell 2"],
    ["quote inside an unquoted cell", `date,close\n2020-01-01,1"2"\n`, {}, "line 2: quote inside unquoted cell 2"],
    ["too many columns", "date,a,b,c\n", { maxColumns: 3 }, "line 1: 4 columns exceed the limit of 3 (maxColumns)"],
    ["line too long", "date,close\n2020-01-01,1\n2020-01-02,12345678901\n", { maxLineBytes: 20 }, "line 3: row is longer than 20 bytes (maxLineBytes)"],
    ["line too long counts UTF-8 bytes", "date,symbol\n2020-01-01,éééééé\n", { maxLineBytes: 20 }, "line 2: row is longer than 20 bytes (maxLineBytes)"],
    ["unterminated quote runs past the line limit", `date,close\n2020-01-01,"${"x".repeat(100)}`, { maxLineBytes: 64 }, "line 2: row is longer than 64 bytes (maxLineBytes)"],
    ["too many rows", "date,close\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n", { maxRows: 2 }, "line 4: more than 2 rows (maxRows)"],
    ["duplicate column names", "date,Close,close \n", {}, `line 1: duplicate column name "close"`],
    ["empty column name", "date,,close\n", {}, "line 1: column 2 has no name"],
    ["reserved column name", "date,time,close\n", {}, `line 1: column name "time" is reserved (series.time); rename the column`],
    ["empty key", `${long}2020-01-01,A,1\n2020-01-02, ,2\n`, {}, `line 3: empty key in column "symbol"`],
    ["empty file", "", {}, "line 1: no header row (the file is empty)"],
    ["only blank lines", "\n\r\n\n", {}, "line 1: no header row (the file is empty)"],
  ])("%s", (_name, text, options, message) => {
    const error = csvError(text, options);
    expect(error.message).toBe(message);
    expect(error.line).toBe(Number(/^line (\d+):/.exec(message)?.[1]));
  });
});

describe("parseCsv reads valid files", () => {
  it("splits long format into sorted series sorted by key", () => {
    const text = [
      "Date,Symbol,Open,Close",
      "2020-01-03,MSFT,3,30",
      "2020-01-01,AAPL,1,10",
      "2020-01-02,MSFT,2,20",
      "2020-01-02,AAPL,2,NA",
      "2020-01-01,MSFT,1,",
    ].join("\n");
    const data = parseCsv(text, opts);
    expect(data.columns).toEqual(["open", "close"]);
    expect(data.rows).toBe(5);
    expect(data.series.map((s) => s.key)).toEqual(["AAPL", "MSFT"]);
    const [aapl, msft] = data.series;
    expect(aapl?.time).toEqual(new Float64Array([day(1), day(2)]));
    expect(aapl?.columns.close).toEqual(new Float64Array([10, NaN]));
    expect(msft?.time).toEqual(new Float64Array([day(1), day(2), day(3)]));
    expect(msft?.columns.open).toEqual(new Float64Array([1, 2, 3]));
    expect(msft?.columns.close).toEqual(new Float64Array([NaN, 20, 30]));
    expect(Object.keys(msft?.columns ?? {})).toEqual(["open", "close"]);
  });

  it("reads one series named by defaultKey when there is no key column", () => {
    const data = parseCsv("timestamp,price\n1577836800,1.5\n1577923200,2.5", { defaultKey: "BTC" });
    expect(data.series).toEqual([
      { key: "BTC", time: new Float64Array([day(1), day(2)]), columns: { price: new Float64Array([1.5, 2.5]) } },
    ]);
  });

  it("picks the first time-like and key-like columns in header order", () => {
    const data = parseCsv("Series,Symbol,Date,Timestamp\nS,1,2020-01-01,2\n", opts);
    expect(data.columns).toEqual(["symbol", "timestamp"]);
    expect(data.series.map((s) => [s.key, s.time[0]])).toEqual([["S", day(1)]]);
  });

  it("uses the named time and key columns, case-insensitively", () => {
    const data = parseCsv("When,Sym,Date\n2020-01-01,A,1\n", { ...opts, timeColumn: "WHEN", keyColumn: "sym" });
    expect(data.columns).toEqual(["date"]);
    expect(data.series.map((s) => [s.key, s.time[0]])).toEqual([["A", day(1)]]);
  });

  it("accepts every supported time format", () => {
    const times = [
      "2020-01-02", "2020-01-02T00:00:00Z", "2020-01-02T01:00:00+01:00", "2020-01-02 00:00:00", "2020/01/02",
      "01/02/2020", "Jan 2 2020", "2 Jan 2020", `"January 2, 2020"`, "1577923200", "1577923200000",
    ];
    times.forEach((time, i) => {
      const data = parseCsv(`time,symbol,v\n${time},k${i},1\n`, opts);
      expect(data.series[0]?.time[0]).toBe(day(2));
    });
  });

  it("handles RFC 4180 quoting, CRLF, a BOM, blank lines and a missing final newline", () => {
    const text = `\uFEFF"Date","Sym,bol","Value"\r\n\r\n2020-01-01,"a ""quoted"", key","1.5"\r\n2020-01-02,"a ""quoted"", key",""`;
    const data = parseCsv(text, { ...opts, keyColumn: "sym,bol" });
    expect(data.series).toEqual([
      { key: `a "quoted", key`, time: new Float64Array([day(1), day(2)]), columns: { value: new Float64Array([1.5, NaN]) } },
    ]);
  });

  it("accepts rows of exactly maxLineBytes, line endings excluded", () => {
    const text = "date,close\r\n2020-01-01,123456789\r\n2020-01-02,\"1234567\"\r\n";
    expect(parseCsv(text, { ...opts, maxLineBytes: 20 }).rows).toBe(2);
  });

  it("keeps a header-only file as an empty dataset", () => {
    expect(parseCsv("date,close\n", opts)).toEqual({ series: [], columns: ["close"], rows: 0 });
  });

  it("trims keys and lowercases and trims column names", () => {
    const data = parseCsv(" Time , Key ,  Adj Close \n2020-01-01, X ,1\n2020-01-02,X,2\n", opts);
    expect(data.columns).toEqual(["adj close"]);
    expect(data.series.map((s) => [s.key, s.time.length])).toEqual([["X", 2]]);
  });

  it("keeps a column named __proto__ as data", () => {
    const data = parseCsv("date,__proto__\n2020-01-01,1\n", opts);
    expect(Object.keys(data.series[0]?.columns ?? {})).toEqual(["__proto__"]);
    expect(data.series[0]?.columns["__proto__"]).toEqual(new Float64Array([1]));
  });

  it("rejects invalid options", () => {
    expect(() => parseCsv("", { ...opts, maxRows: 0 })).toThrow(RangeError);
    expect(() => parseCsv("", { ...opts, maxLineBytes: 1.5 })).toThrow(RangeError);
    expect(() => parseCsv("", { defaultKey: " " })).toThrow(RangeError);
  });
});
