import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvError } from "./CsvError.ts";
import { CsvIngest, type CsvOptions } from "./CsvIngest.ts";
import type { Dataset } from "./Series.ts";

const OPTIONS: CsvOptions = { defaultKey: "main", maxSeries: 4, maxRows: 50, maxColumns: 6, maxLineBytes: 200 };

/** Cells an uploader might write, hostile ones included: overflows, spelled-out infinities, quotes, blanks. */
const cell = fc.oneof(
  fc.constantFrom("1", "-0", "1.5", "1e308", "1e309", "-1e309", "9e999", "1e-400", "Infinity", "-Infinity", "inf", "NaN", "NA", "", "null", "0x10", "1,5"),
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom("2020-01-01", "2020-01-02T10:00:00Z", "1577836800000", "2020-13-01", "A", "B", "key"),
  fc.string({ maxLength: 8 }),
  fc.string({ maxLength: 6 }).map((s) => `"${s.replaceAll('"', '""')}"`),
);
const line = fc.array(cell, { minLength: 1, maxLength: 5 }).map((cells) => cells.join(","));
const header = fc.constantFrom("date,close", "date,symbol,close,volume", "time,key,v", "Date,Open", "close,date", "x,y");
const number = fc.oneof(cell, fc.double().map(String), fc.double().map(String));
/** Well-formed rows (distinct days, a key, two numeric cells) so that many files are accepted and their values checked. */
const wellFormed = fc
  .uniqueArray(fc.integer({ min: 0, max: 20_000 }), { maxLength: 12 })
  .chain((days) => fc.tuple(...days.map((day) => fc.tuple(fc.constantFrom("A", "B"), number, number).map(([key, a, b]) => `${new Date(day * 86_400_000).toISOString()},${key},${a},${b}`))))
  .map((rows) => ["date,symbol,close,volume", ...rows].join("\n"));
const random = fc
  .tuple(header, fc.array(line, { maxLength: 12 }), fc.constantFrom("\n", "\r\n"))
  .map(([head, rows, eol]) => [head, ...rows].join(eol));
const csv = fc.oneof(random, wellFormed);

/** The ingest's outcome: the dataset, or the error it threw (anything but a CsvError fails the property). */
function ingest(chunks: readonly string[]): Dataset | CsvError {
  const reader = new CsvIngest(OPTIONS);
  try {
    for (const chunk of chunks) reader.push(chunk);
    return reader.finish();
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
}

describe("CsvIngest on random text", () => {
  it("throws nothing but its own line-numbered error, and every accepted value is finite or a missing NaN", () => {
    fc.assert(
      fc.property(csv, (text) => {
        const outcome = ingest([text]);
        if (outcome instanceof CsvError) {
          expect(outcome.line).toBeGreaterThanOrEqual(1);
          expect(outcome.line).toBeLessThanOrEqual(text.split("\n").length);
          expect(outcome.message.startsWith(`line ${outcome.line}: `)).toBe(true);
          return;
        }
        expect(outcome.series.length).toBeLessThanOrEqual(4);
        for (const series of outcome.series) {
          for (const t of series.time) expect(Number.isFinite(t)).toBe(true);
          for (const column of Object.values(series.columns)) {
            for (const v of column) expect(v === Infinity || v === -Infinity).toBe(false);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("gives the same dataset or the same error however the text is cut into chunks", () => {
    fc.assert(
      fc.property(csv, fc.array(fc.nat(), { maxLength: 4 }), (text, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((from, i) => text.slice(from, points[i] ?? text.length));
        const whole = ingest([text]);
        const pieces = ingest(chunks);
        if (whole instanceof CsvError) expect(pieces instanceof CsvError && pieces.message).toBe(whole.message);
        else expect(pieces).toEqual(whole);
      }),
      { numRuns: 1000 },
    );
  });

  it("reports a quoted row past maxLineBytes as too long, whether or not a chunk ends inside it (a case fast-check found)", () => {
    const text = [
      "date,symbol,close,volume",
      "1996-07-28T00:00:00.000Z,A,0,0",
      "2004-05-09T00:00:00.000Z,A,0,0",
      '1984-02-04T00:00:00.000Z,A,0,"',
      "1970-04-13T00:00:00.000Z,A,0,0",
      "1989-12-03T00:00:00.000Z,A,0,0",
      "2019-09-08T00:00:00.000Z,A,0,0",
      "1981-06-11T00:00:00.000Z,A,0,0",
      "1975-07-11T00:00:00.000Z,A,0,-99999888558434.02",
      '1985-08-23T00:00:00.000Z,A,0," "',
      "1985-05-02T00:00:00.000Z,A,,0",
    ].join("\n");
    const cut = 768350325 % (text.length + 1);
    for (const chunks of [[text], [text.slice(0, cut), text.slice(cut)]]) {
      expect((ingest(chunks) as CsvError).message).toBe("line 4: row is longer than 200 bytes (maxLineBytes)");
    }
  });

  it("refuses 1e309 and Infinity in a numeric column with the line, as it refuses words", () => {
    for (const bad of ["1e309", "-1e309", "Infinity", "-Infinity"]) {
      const outcome = ingest([`date,close\n2020-01-01,1\n2020-01-02,${bad}\n`]);
      expect(outcome).toBeInstanceOf(CsvError);
      expect((outcome as CsvError).line).toBe(3);
      expect((outcome as CsvError).message).toMatch(/is not a (finite )?number$/);
    }
  });
});
