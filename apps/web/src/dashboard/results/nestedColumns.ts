import type { Cell, Row } from "./resultTables.ts";

function arrayLength(cell: Cell | undefined): number | undefined {
  if (typeof cell !== "string" || !cell.startsWith("[")) return undefined;
  try {
    const value: unknown = JSON.parse(cell);
    return Array.isArray(value) ? value.length : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Columns that hold nested arrays (kept as JSON text by `resultTables`, e.g. a fold's trades):
 * every value present is an array's JSON. The table shows them as counts, the CSV keeps the JSON.
 */
export function nestedColumns(columns: readonly string[], rows: readonly Row[]): string[] {
  return columns.filter((column) => {
    const present = rows.map((row) => row[column]).filter((cell) => cell !== undefined && cell !== null);
    return present.length > 0 && present.every((cell) => arrayLength(cell) !== undefined);
  });
}

/** A nested array cell in words: `3 items`, `1 item`, `none`. */
export function nestedText(cell: Cell | undefined): string {
  const n = arrayLength(cell);
  return n === undefined || n === 0 ? "none" : `${n} item${n === 1 ? "" : "s"}`;
}
