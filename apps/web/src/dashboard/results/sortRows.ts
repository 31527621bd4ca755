import type { Cell, Row } from "./resultTables.ts";

/** Sort order of a result table: a column and a direction. */
export interface SortOrder {
  column: string;
  descending: boolean;
}

/** A sorted copy of `rows`: numbers by value, then text, with empty cells last in either direction. */
export function sortRows(rows: readonly Row[], order: SortOrder): Row[] {
  const sign = order.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[order.column];
    const y = b[order.column];
    if (isEmpty(x) || isEmpty(y)) return Number(isEmpty(x)) - Number(isEmpty(y));
    return sign * compare(x, y);
  });
}

function isEmpty(cell: Cell | undefined): cell is null | undefined {
  return cell === null || cell === undefined;
}

function compare(x: Cell, y: Cell): number {
  if (typeof x === "number" && typeof y === "number") return x - y;
  if (typeof x === "number") return -1;
  if (typeof y === "number") return 1;
  return String(x).localeCompare(String(y));
}
