import type { Row } from "./resultTables.ts";

/** Lines for a chart: shared x values ascending, and one y array per group (null where a group has no point). */
export interface LineSeries {
  xs: number[];
  lines: { label: string; values: (number | null)[] }[];
}

const TIME_COLUMNS = /^(time|date|from|to|start|end|start_time|end_time|t)$/i;
/** Epoch milliseconds after 1973: a number this large in a time-named column is a timestamp. */
const EPOCH_MS = 1e11;

/** The columns of rows that hold timestamps (`from`, `to`, `start`, `time`...), shown as dates. */
export function timeColumns(columns: readonly string[], rows: readonly Row[]): string[] {
  return columns.filter((column) => TIME_COLUMNS.test(column) && rows.length > 0 && rows.every((row) => typeof row[column] === "number" && (row[column] as number) > EPOCH_MS));
}

/** The first timestamp column of a table with several rows, if any: results over time get a line chart over it. */
export function timeColumn(columns: readonly string[], rows: readonly Row[]): string | undefined {
  return rows.length > 1 ? timeColumns(columns, rows)[0] : undefined;
}

/**
 * Turns rows into lines of `y` over `x`, one line per combination of the `groupBy` columns
 * (e.g. one per threshold of a sweep). Points sharing an x within a group are averaged.
 */
export function lineSeries(rows: readonly Row[], x: string, y: string, groupBy: readonly string[]): LineSeries {
  const xs = [...new Set(rows.map((row) => row[x]).filter((v): v is number => typeof v === "number"))].sort((a, b) => a - b);
  const groups = new Map<string, Map<number, { sum: number; n: number }>>();
  for (const row of rows) {
    const at = row[x];
    const value = row[y];
    if (typeof at !== "number" || typeof value !== "number" || !Number.isFinite(value)) continue;
    const label = groupBy.length === 0 ? y : groupBy.map((column) => `${column}=${String(row[column])}`).join(" ");
    const points = groups.get(label) ?? new Map<number, { sum: number; n: number }>();
    groups.set(label, points);
    const point = points.get(at) ?? { sum: 0, n: 0 };
    point.sum += value;
    point.n++;
    points.set(at, point);
  }
  return {
    xs,
    lines: [...groups].map(([label, points]) => ({
      label,
      values: xs.map((at) => {
        const point = points.get(at);
        return point ? point.sum / point.n : null;
      }),
    })),
  };
}
