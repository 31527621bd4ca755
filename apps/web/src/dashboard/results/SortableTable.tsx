import { useMemo, useState } from "react";
import { formatDate } from "../components/formatTime.ts";
import { formatCell } from "./formatCell.ts";
import { nestedColumns, nestedText } from "./nestedColumns.ts";
import { numberColumns } from "./numberColumns.ts";
import { timeColumns } from "./lineSeries.ts";
import type { ResultTable } from "./resultTables.ts";
import type { SortOrder } from "./sortRows.ts";
import { sortRows } from "./sortRows.ts";

const PAGE_ROWS = 200;

/** A result table sorted by a clicked header (again to reverse); long tables show their first rows and say so. */
export function SortableTable({ table }: { table: ResultTable }) {
  const [order, setOrder] = useState<SortOrder>();
  const [all, setAll] = useState(false);
  const rows = useMemo(() => (order ? sortRows(table.rows, order) : table.rows), [table, order]);
  const times = useMemo(() => new Set(timeColumns(table.columns, table.rows)), [table]);
  // Nested arrays (a fold's trades) read as counts; their JSON is in the cell's tooltip and the CSV.
  const nested = useMemo(() => new Set(nestedColumns(table.columns, table.rows)), [table]);
  // Headers of number columns (timestamps too) sit right, over their right-aligned cells.
  const numeric = useMemo(() => new Set(numberColumns(table.columns, table.rows)), [table]);
  const shown = all ? rows : rows.slice(0, PAGE_ROWS);
  const sortBy = (column: string) => setOrder(order?.column === column ? { column, descending: !order.descending } : { column, descending: false });
  return (
    <div className="table-scroll">
      <table className="data" data-testid="result-table">
        <thead>
          <tr>
            {table.columns.map((column) => (
              <th key={column} className={numeric.has(column) ? "num" : undefined} aria-sort={order?.column === column ? (order.descending ? "descending" : "ascending") : "none"}>
                <button type="button" className="sort" onClick={() => sortBy(column)}>
                  {column}
                  <span aria-hidden="true">{order?.column === column ? (order.descending ? " ▼" : " ▲") : ""}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, index) => (
            <tr key={index}>
              {table.columns.map((column) => (
                <td key={column} className={typeof row[column] === "number" ? "num" : undefined} title={times.has(column) || nested.has(column) ? String(row[column]).slice(0, 2000) : undefined}>
                  {times.has(column) ? formatDate(row[column] as number) : nested.has(column) ? nestedText(row[column]) : formatCell(row[column])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown.length && (
        <button type="button" className="link" onClick={() => setAll(true)}>
          Showing {shown.length} of {rows.length} rows — show all
        </button>
      )}
    </div>
  );
}
