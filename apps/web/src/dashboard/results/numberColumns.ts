import type { Row } from "./resultTables.ts";

/** The columns holding a number in some row and nothing but numbers or gaps in the others: chartable metrics, right-aligned in tables. */
export function numberColumns(columns: readonly string[], rows: readonly Row[]): string[] {
  const isNumber = (column: string) => rows.every((row) => row[column] === undefined || row[column] === null || typeof row[column] === "number");
  return columns.filter((column) => rows.some((row) => typeof row[column] === "number") && isNumber(column));
}
