import type { Cell, ResultTable } from "./resultTables.ts";

/**
 * A result table as CSV (RFC 4180, `\n` line ends): a header of column names, then one line per
 * row. Numbers keep JavaScript's shortest round-trip form, so the CSV holds the JSON's values.
 */
export function tableCsv(table: ResultTable): string {
  const lines = [table.columns.map(quote).join(",")];
  for (const row of table.rows) lines.push(table.columns.map((column) => quote(text(row[column]))).join(","));
  return `${lines.join("\n")}\n`;
}

function text(cell: Cell | undefined): string {
  return cell === undefined || cell === null ? "" : String(cell);
}

function quote(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
