import type { Json } from "@shoal/protocol";

/** One table cell: JSON scalars; nested arrays are kept as their JSON text. */
export type Cell = number | string | boolean | null;

/** A row of a result table, by column name (nested objects flattened to `a.b`). */
export type Row = Record<string, Cell>;

/** Rows found in a job's result, with the path they came from (`$`, `$.runs`) and their columns in first-seen order. */
export interface ResultTable {
  path: string;
  columns: string[];
  rows: Row[];
}

const MAX_DEPTH = 4;

/** A table's path in words for the picker: `$` → `result`, `$.folds` → `folds`, `$.a.b` → `a › b`. */
export function tableLabel(path: string): string {
  return path === "$" ? "result" : path.slice(2).split(".").join(" › ");
}

/**
 * Finds the tables in a job's result: the result itself when it is an array (map outputs), and
 * every array of objects inside it (a reduce's `runs`, `folds`...), largest first. A result
 * with no array is one row. Parameter columns named in `leading` come first.
 */
export function resultTables(result: Json, leading: readonly string[] = []): ResultTable[] {
  const found: ResultTable[] = [];
  collect(result, "$", 0, found, leading);
  if (found.length === 0) found.push(table("$", [isObject(result) ? flatten(result) : { value: cellOf(result) }], leading));
  return found.sort((a, b) => b.rows.length - a.rows.length);
}

function collect(value: Json, path: string, depth: number, found: ResultTable[], leading: readonly string[]): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isObject)) found.push(table(path, value.map((item) => flatten(item)), leading));
    else if (value.length > 0 && depth === 0) found.push(table(path, value.map((item) => (isObject(item) ? flatten(item) : { value: cellOf(item) })), leading));
    return;
  }
  if (isObject(value)) for (const [key, child] of Object.entries(value)) collect(child, `${path}.${key}`, depth + 1, found, leading);
}

function table(path: string, rows: Row[], leading: readonly string[]): ResultTable {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  const first = leading.filter((name) => seen.has(name));
  return { path, rows, columns: [...first, ...[...seen].filter((name) => !first.includes(name))] };
}

function flatten(value: { [key: string]: Json }, prefix = "", into: Row = {}): Row {
  for (const [key, child] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isObject(child)) flatten(child, name, into);
    else into[name] = cellOf(child);
  }
  return into;
}

function cellOf(value: Json): Cell {
  return Array.isArray(value) || isObject(value) ? JSON.stringify(value) : value;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
