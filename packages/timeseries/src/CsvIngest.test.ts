import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CsvError } from "./CsvError.ts";
import { CsvIngest, type CsvOptions } from "./CsvIngest.ts";
import { parseCsv } from "./parseCsv.ts";
import type { Dataset } from "./Series.ts";

const opts: CsvOptions = { defaultKey: "main" };

const SAMPLE = [
  "\uFEFFTime,Symbol,\"Open\",Close\r\n",
  "2020-01-03T00:00:00Z,\"B,\"\"x\"\"\",3,30\r\n",
  "\r\n",
  "2020-01-01,A,\"1.5\",\"\"\r\n",
  "2020-01-02,\"multi\nline\",2,NA\n",
  "2020-01-01T12:00:00+01:00,\"B,\"\"x\"\"\",1,10\n",
  "01/02/2020,A,2,20",
].join("");

function ingestChunks(chunks: readonly string[], options: CsvOptions = opts): Dataset {
  const ingest = new CsvIngest(options);
  for (const chunk of chunks) ingest.push(chunk);
  return ingest.finish();
}

describe("CsvIngest", () => {
  const whole = parseCsv(SAMPLE, opts);

  it("reads the sample", () => {
    expect(whole.rows).toBe(5);
    expect(whole.columns).toEqual(["open", "close"]);
    expect(whole.series.map((s) => s.key)).toEqual(["A", `B,"x"`, "multi\nline"]);
    expect(whole.series[1]?.time).toEqual(new Float64Array([Date.UTC(2020, 0, 1, 11), Date.UTC(2020, 0, 3)]));
    expect(whole.series[0]?.columns.close).toEqual(new Float64Array([NaN, 20]));
  });

  it("gives the same Dataset for a chunk split at every point", () => {
    for (let i = 0; i <= SAMPLE.length; i++) {
      expect(ingestChunks([SAMPLE.slice(0, i), SAMPLE.slice(i)])).toEqual(whole);
    }
  });

  it("gives the same Dataset for every pair of split points", () => {
    for (let i = 0; i <= SAMPLE.length; i += 3) {
      for (let j = i; j <= SAMPLE.length; j += 2) {
        expect(ingestChunks([SAMPLE.slice(0, i), SAMPLE.slice(i, j), SAMPLE.slice(j)])).toEqual(whole);
      }
    }
  });

  it("gives the same Dataset one character at a time", () => {
    expect(ingestChunks([...SAMPLE])).toEqual(whole);
  });

  it("reports the same error line whatever the chunking", () => {
    const text = `date,key,close\n2020-01-01,"a\nb",1\n\n2020-01-02,"a",z\r\n`;
    for (let i = 0; i <= text.length; i++) {
      expect(() => ingestChunks([text.slice(0, i), text.slice(i)])).toThrow(
        new CsvError(5, `column "close": "z" is not a number`),
      );
    }
  });

  it("throws a bad row from push, before finish", () => {
    const ingest = new CsvIngest(opts);
    ingest.push("date,close\n2020-01-01,1\n");
    expect(() => ingest.push("2020-01-02,bad\n2020-01-03,")).toThrow(`line 3: column "close": "bad" is not a number`);
  });

  it("refuses use after an error or after finish", () => {
    const failed = new CsvIngest(opts);
    expect(() => failed.push("date\n\nnope\n")).toThrow(CsvError);
    expect(() => failed.push("2020-01-01\n")).toThrow("CsvIngest is failed");
    const done = new CsvIngest(opts);
    done.push("date\n2020-01-01\n");
    expect(done.finish().rows).toBe(1);
    expect(() => done.finish()).toThrow("CsvIngest is finished");
  });

  it("sorts a 1,000,000-row reversed CSV into growing column buffers", () => {
    const rows = 1_000_000;
    const start = Date.UTC(2020, 0, 1);
    const lines = ["time,price,volume"];
    for (let i = rows - 1; i >= 0; i--) lines.push(`${(start + i * 60_000) / 1000},${(i % 1000) / 8},${i}`);
    const text = lines.join("\n");
    const ingest = new CsvIngest(opts);
    for (let i = 0; i < text.length; i += 65_536) ingest.push(text.slice(i, i + 65_536));
    const data = ingest.finish();
    const series = data.series[0];
    expect(data.rows).toBe(rows);
    expect(series?.time.length).toBe(rows);
    expect(series?.time[0]).toBe(start);
    expect(series?.time[rows - 1]).toBe(start + (rows - 1) * 60_000);
    expect(series?.columns.volume?.[123_456]).toBe(123_456);
    expect(series?.columns.price?.[999_999]).toBe(999 / 8);
  });

  it("ingests the S&P 500 sample dataset", async () => {
    const text = await readFile(new URL("../../../public/datasets/sp500.csv", import.meta.url), "utf8");
    const data = parseCsv(text, { defaultKey: "SPX" });
    expect(data.columns).toEqual(["open", "high", "low", "close", "adjclose", "volume"]);
    expect(data.series).toHaveLength(1);
    const spx = data.series[0];
    expect(spx?.key).toBe("SPX");
    expect(data.rows).toBe(5105);
    expect(spx?.time[0]).toBe(Date.UTC(2000, 0, 3));
    expect(spx?.time[data.rows - 1]).toBe(Date.UTC(2020, 3, 17));
    expect(spx?.columns.close?.[0]).toBe(1455.219971);
    expect(spx?.columns.volume?.[data.rows - 1]).toBe(5792140000);
  });
});

describe("CsvIngest with `after` (appends)", () => {
  const day = (d: number) => Date.UTC(2024, 0, d);
  const stored = new Map([["A", day(2)]]);
  const appendOpts: CsvOptions = { defaultKey: "main", after: (key) => stored.get(key) };
  const error = (text: string) => {
    try {
      parseCsv(text, appendOpts);
    } catch (e) {
      return e instanceof CsvError ? `${e.line}: ${e.message}` : String(e);
    }
    return "accepted";
  };

  it("takes rows after each series' stored last time, and new series from any time", () => {
    const dataset = parseCsv("time,key,v\n2024-01-03,A,1\n2023-06-01,N,2\n2024-01-04,A,3\n", appendOpts);
    expect(dataset.series.map((s) => [s.key, [...s.time]])).toEqual([["A", [day(3), day(4)]], ["N", [Date.UTC(2023, 5, 1)]]]);
  });

  it.each([
    ["a time equal to the stored last one", "time,key,v\n2024-01-02,A,1\n", /^2: line 2: time 2024-01-02T00:00:00.000Z for key "A" is not after 2024-01-02T00:00:00.000Z \(the series' last stored time\)/],
    ["a time before an earlier row of the file", "time,key,v\n2024-01-05,A,1\n2024-01-01,N,1\n2024-01-04,A,1\n", /^4: line 4: .*"A" is not after 2024-01-05T00:00:00.000Z \(line 2\)/],
    ["a repeated time in a new series", "time,key,v\n2024-01-05,N,1\n2024-01-05,N,2\n", /^3: line 3: .*"N" is not after .* \(line 2\)/],
  ])("refuses %s at its line", (_name, text, message) => {
    expect(error(text)).toMatch(message);
  });

  it("leaves uploads as they were: without `after`, rows are sorted per key", () => {
    expect(parseCsv("time,key,v\n2024-01-05,A,1\n2024-01-01,A,2\n", opts).series[0]?.time).toEqual(new Float64Array([day(1), day(5)]));
  });
});
