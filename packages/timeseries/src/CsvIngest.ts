import { CsvError } from "./CsvError.ts";
import { CsvRecordReader } from "./CsvRecordReader.ts";
import { parseNumber } from "./parseNumber.ts";
import { parseTimestamp } from "./parseTimestamp.ts";
import { quoteText } from "./quoteText.ts";
import { readCsvHeader, type CsvLayout } from "./readCsvHeader.ts";
import type { Dataset, Series } from "./Series.ts";
import { SeriesBuilder, type Duplicate } from "./SeriesBuilder.ts";
import { MAX_NAME_BYTES } from "./shardCodec.ts";

/** How to read a CSV upload; limits default to 5,000,000 rows, 256 columns, 64 KiB per row, 100,000 series and 100 million values (800 MB). */
export interface CsvOptions {
  /** Name of the single series when the file has no key column. */
  defaultKey: string;
  /** Time column (case-insensitive); else the first of time, date, timestamp, datetime in the header. */
  timeColumn?: string;
  /** Key column (case-insensitive); else the first of symbol, key, series, ticker; else one series. */
  keyColumn?: string;
  /** Most data rows in the file. */
  maxRows?: number;
  /** Most columns in the header, time and key included. */
  maxColumns?: number;
  /** Longest row in UTF-8 bytes, quoted line breaks included. */
  maxLineBytes?: number;
  /** Most distinct keys (series) in the file. */
  maxSeries?: number;
  /** Most values (rows × (numeric columns + time)) held in memory: 8 bytes each. */
  maxCells?: number;
  /**
   * For appends: every row's time must come after the previous row of its key in the file, and
   * after `after(key)` (the series' last stored time, or undefined for a new series); the first
   * row that does not is a CsvError naming its line.
   */
  after?: (key: string) => number | undefined;
}

const DEFAULT_MAX_ROWS = 5_000_000;
const DEFAULT_MAX_COLUMNS = 256;
const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
const DEFAULT_MAX_SERIES = 100_000;
const DEFAULT_MAX_CELLS = 100_000_000;

/**
 * Streaming CSV ingest: `push` chunks split anywhere, then `finish` for the Dataset. Rows are
 * checked as they arrive; a CsvError leaves the ingest unusable.
 */
export class CsvIngest {
  readonly #opts: CsvOptions;
  readonly #maxRows: number;
  readonly #maxColumns: number;
  readonly #maxSeries: number;
  readonly #maxCells: number;
  readonly #reader: CsvRecordReader;
  readonly #builders = new Map<string, SeriesBuilder>();
  #layout: CsvLayout | undefined;
  #values = new Float64Array(0);
  #rows = 0;
  #state: "open" | "failed" | "finished" = "open";
  #lastTimeText = "";
  #lastTime = NaN;
  #lastKey = "";
  #lastBuilder: SeriesBuilder | undefined;
  readonly #latest = new Map<SeriesBuilder, { time: number; line: number | undefined }>();

  constructor(opts: CsvOptions) {
    this.#opts = opts;
    this.#maxRows = limit(opts.maxRows, DEFAULT_MAX_ROWS, "maxRows");
    this.#maxColumns = limit(opts.maxColumns, DEFAULT_MAX_COLUMNS, "maxColumns");
    this.#maxSeries = limit(opts.maxSeries, DEFAULT_MAX_SERIES, "maxSeries");
    this.#maxCells = limit(opts.maxCells, DEFAULT_MAX_CELLS, "maxCells");
    const maxLineBytes = limit(opts.maxLineBytes, DEFAULT_MAX_LINE_BYTES, "maxLineBytes");
    const defaultKey = opts.defaultKey.trim();
    if (defaultKey === "" || byteLength(defaultKey) > MAX_NAME_BYTES) {
      throw new RangeError(`defaultKey must be 1 to ${MAX_NAME_BYTES} bytes, got ${quoteText(opts.defaultKey)}`);
    }
    this.#reader = new CsvRecordReader(maxLineBytes, (text, bounds, count, line) =>
      this.#record(text, bounds, count, line),
    );
  }

  /** Consumes the next piece of the file; throws CsvError at the first bad row it completes. */
  push(chunk: string): void {
    this.#guard(() => this.#reader.push(chunk));
  }

  /** Ends the file: sorts each series by time, rejects duplicate times and returns the Dataset. */
  finish(): Dataset {
    return this.#guard(() => {
      this.#reader.end();
      this.#state = "finished";
      const layout = this.#layout;
      if (layout === undefined) throw new CsvError(1, "no header row (the file is empty)");
      const keys = [...this.#builders.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const series: Series[] = [];
      let duplicate: Duplicate | undefined;
      for (const key of keys) {
        const built = this.#builders.get(key)!.build(layout.names);
        series.push(built.series);
        if (built.duplicate !== undefined && (duplicate === undefined || built.duplicate.line < duplicate.line)) {
          duplicate = built.duplicate;
        }
      }
      this.#builders.clear();
      if (duplicate !== undefined) {
        const { line, time, key, firstLine } = duplicate;
        const when = new Date(time).toISOString();
        throw new CsvError(line, `duplicate time ${when} for key ${quoteText(key)} (also on line ${firstLine})`);
      }
      return { series, columns: [...layout.names], rows: this.#rows };
    });
  }

  #guard<T>(step: () => T): T {
    if (this.#state !== "open") throw new Error(`CsvIngest is ${this.#state}; start a new one`);
    try {
      return step();
    } catch (error) {
      this.#state = "failed";
      throw error;
    }
  }

  #record(text: string, bounds: Int32Array, count: number, line: number): void {
    const layout = this.#layout;
    if (layout === undefined) {
      const cells = Array.from({ length: count }, (_, i) => text.slice(bounds[2 * i], bounds[2 * i + 1]));
      this.#layout = readCsvHeader(cells, line, { ...this.#opts, maxColumns: this.#maxColumns });
      this.#values = new Float64Array(this.#layout.names.length);
      return;
    }
    if (count !== layout.width) throw new CsvError(line, `expected ${layout.width} cells, got ${count}`);
    if (this.#rows === this.#maxRows) throw new CsvError(line, `more than ${this.#maxRows} rows (maxRows)`);
    if ((this.#rows + 1) * (this.#values.length + 1) > this.#maxCells) {
      throw new CsvError(line, `more than ${this.#rows} rows of ${this.#values.length + 1} values each: the limit is ${this.#maxCells} values (maxCells)`);
    }
    const timeStart = bounds[2 * layout.timeIndex]!;
    const timeEnd = bounds[2 * layout.timeIndex + 1]!;
    if (this.#rows === 0 || !sameText(text, timeStart, timeEnd, this.#lastTimeText)) {
      const timeText = text.slice(timeStart, timeEnd);
      const time = parseTimestamp(timeText);
      if (time === undefined) throw new CsvError(line, `cannot parse time ${quoteText(timeText)}`);
      this.#lastTimeText = timeText;
      this.#lastTime = time;
    }
    const values = this.#values;
    for (let j = 0; j < values.length; j++) {
      const cell = layout.cells[j]!;
      const start = bounds[2 * cell]!;
      const end = bounds[2 * cell + 1]!;
      const value = parseNumber(text, start, end);
      if (value === undefined || value === Infinity || value === -Infinity) {
        const shown = quoteText(text.slice(start, end));
        const what = value === undefined ? "is not a number" : "is not a finite number";
        throw new CsvError(line, `column ${quoteText(layout.names[j]!)}: ${shown} ${what}`);
      }
      values[j] = value;
    }
    const builder = this.#builder(text, bounds, line, layout);
    if (this.#opts.after !== undefined) this.#checkIncreasing(builder, line);
    builder.append(this.#lastTime, line, values);
    this.#rows++;
  }

  /** Refuses a row whose time is not after the last one of its series, stored or earlier in the file. */
  #checkIncreasing(builder: SeriesBuilder, line: number): void {
    let latest = this.#latest.get(builder);
    if (latest === undefined) {
      const stored = this.#opts.after?.(builder.key);
      latest = { time: stored ?? -Infinity, line: undefined };
      this.#latest.set(builder, latest);
    }
    const time = this.#lastTime;
    if (!(time > latest.time)) {
      const previous = latest.line === undefined ? "the series' last stored time" : `line ${latest.line}`;
      const when = new Date(time).toISOString();
      throw new CsvError(line, `time ${when} for key ${quoteText(builder.key)} is not after ${new Date(latest.time).toISOString()} (${previous}); appended times must increase per series`);
    }
    latest.time = time;
    latest.line = line;
  }

  #builder(text: string, bounds: Int32Array, line: number, layout: CsvLayout): SeriesBuilder {
    const keyStart = layout.keyIndex < 0 ? 0 : bounds[2 * layout.keyIndex]!;
    const keyEnd = layout.keyIndex < 0 ? 0 : bounds[2 * layout.keyIndex + 1]!;
    const last = this.#lastBuilder;
    if (last !== undefined && sameText(text, keyStart, keyEnd, this.#lastKey)) return last;
    const cell = layout.keyIndex < 0 ? this.#opts.defaultKey : text.slice(keyStart, keyEnd);
    const key = cell.trim();
    let builder = this.#builders.get(key);
    if (builder === undefined) {
      if (key === "") {
        throw new CsvError(line, `empty key in column ${quoteText(layout.header[layout.keyIndex] ?? "")}`);
      }
      if (byteLength(key) > MAX_NAME_BYTES) {
        throw new CsvError(line, `key ${quoteText(key)} is longer than ${MAX_NAME_BYTES} bytes`);
      }
      if (this.#builders.size === this.#maxSeries) {
        throw new CsvError(line, `key ${quoteText(key)} would be series ${this.#maxSeries + 1}; the limit is ${this.#maxSeries} series per dataset (maxSeries)`);
      }
      builder = new SeriesBuilder(key, this.#values.length);
      this.#builders.set(key, builder);
    }
    this.#lastKey = layout.keyIndex < 0 ? "" : cell;
    this.#lastBuilder = builder;
    return builder;
  }
}

/** Whether text[start, end) equals `expected`, without allocating. */
function sameText(text: string, start: number, end: number, expected: string): boolean {
  return end - start === expected.length && text.startsWith(expected, start);
}

function limit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
