import { CsvError } from "./CsvError.ts";
import { quoteText } from "./quoteText.ts";
import { MAX_NAME_BYTES } from "./shardCodec.ts";

const TIME_NAMES = ["time", "date", "timestamp", "datetime"];
const KEY_NAMES = ["symbol", "key", "series", "ticker"];
/** Fields a job sees on every series slice, so no numeric column may take these names. */
const RESERVED = new Set(["time", "key", "first"]);

/** Where the time, key and numeric cells sit in each row of a CSV. */
export interface CsvLayout {
  /** Lowercased names of all columns. */
  header: string[];
  width: number;
  timeIndex: number;
  /** -1 when the file holds one series. */
  keyIndex: number;
  /** Lowercased names of the numeric columns, in header order. */
  names: string[];
  /** Cell index of each numeric column. */
  cells: number[];
}

export interface HeaderOptions {
  timeColumn?: string | undefined;
  keyColumn?: string | undefined;
  maxColumns: number;
}

/**
 * Reads a header row: lowercases names, finds the time column (`timeColumn`, else the first of
 * time/date/timestamp/datetime in header order) and the key column likewise; the rest are numeric.
 */
export function readCsvHeader(cells: readonly string[], line: number, opts: HeaderOptions): CsvLayout {
  if (cells.length > opts.maxColumns) {
    throw new CsvError(line, `${cells.length} columns exceed the limit of ${opts.maxColumns} (maxColumns)`);
  }
  const names = cells.map((cell) => cell.trim().toLowerCase());
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === "") throw new CsvError(line, `column ${i + 1} has no name`);
    if (new TextEncoder().encode(name).length > MAX_NAME_BYTES) {
      throw new CsvError(line, `column name ${quoteText(name)} is longer than ${MAX_NAME_BYTES} bytes`);
    }
    if (seen.has(name)) throw new CsvError(line, `duplicate column name ${quoteText(name)}`);
    seen.add(name);
  });
  const listed = names.join(", ");
  const timeIndex = findColumn(names, opts.timeColumn, TIME_NAMES);
  if (timeIndex < 0) {
    const wanted = opts.timeColumn === undefined ? "(time, date, timestamp or datetime)" : quoteText(opts.timeColumn);
    throw new CsvError(line, `no time column ${wanted} in header: ${listed}`);
  }
  const keyIndex = findColumn(names, opts.keyColumn, KEY_NAMES);
  if (opts.keyColumn !== undefined && keyIndex < 0) {
    throw new CsvError(line, `no key column ${quoteText(opts.keyColumn)} in header: ${listed}`);
  }
  if (keyIndex === timeIndex) {
    throw new CsvError(line, `column ${quoteText(names[keyIndex]!)} cannot be both time and key`);
  }
  const layout: CsvLayout = { header: names, width: cells.length, timeIndex, keyIndex, names: [], cells: [] };
  names.forEach((name, i) => {
    if (i === timeIndex || i === keyIndex) return;
    if (RESERVED.has(name)) {
      throw new CsvError(line, `column name ${quoteText(name)} is reserved (series.${name}); rename the column`);
    }
    layout.names.push(name);
    layout.cells.push(i);
  });
  return layout;
}

/** Index of the requested column, else of the first header name among `defaults`, else -1. */
function findColumn(names: readonly string[], requested: string | undefined, defaults: readonly string[]): number {
  if (requested !== undefined) return names.indexOf(requested.trim().toLowerCase());
  return names.findIndex((name) => defaults.includes(name));
}
