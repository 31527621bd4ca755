import type { Cell } from "./resultTables.ts";

/** A cell for display: numbers to 6 significant digits (integers whole), empty cells as a dash. */
export function formatCell(cell: Cell | undefined): string {
  if (cell === undefined || cell === null) return "—";
  if (typeof cell === "number") return Number.isInteger(cell) ? String(cell) : Number(cell.toPrecision(6)).toString();
  return String(cell);
}
