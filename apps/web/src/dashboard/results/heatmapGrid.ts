import type { Cell, Row } from "./resultTables.ts";

/** A metric over two parameters: sorted axis values and `values[yIndex][xIndex]` (null where no row gave one). */
export interface HeatmapGrid {
  xs: Cell[];
  ys: Cell[];
  values: (number | null)[][];
  min: number;
  max: number;
}

/**
 * Lays a metric out over two parameter columns for a heatmap. When several rows share a cell
 * (say, one per series key) their mean is shown. Undefined when the metric has no finite value.
 */
export function heatmapGrid(rows: readonly Row[], x: string, y: string, metric: string): HeatmapGrid | undefined {
  const xs = axis(rows, x);
  const ys = axis(rows, y);
  const sums = ys.map(() => xs.map(() => ({ sum: 0, n: 0 })));
  for (const row of rows) {
    const value = row[metric];
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    const slot = sums[ys.indexOf(row[y] ?? null)]?.[xs.indexOf(row[x] ?? null)];
    if (!slot) continue;
    slot.sum += value;
    slot.n++;
  }
  const values = sums.map((line) => line.map(({ sum, n }) => (n > 0 ? sum / n : null)));
  const finite = values.flat().filter((v): v is number => v !== null);
  if (finite.length === 0) return undefined;
  return { xs, ys, values, min: Math.min(...finite), max: Math.max(...finite) };
}

/** Distinct values of a column, numbers ascending before text. */
function axis(rows: readonly Row[], column: string): Cell[] {
  const values = [...new Set(rows.map((row) => row[column] ?? null))];
  return values.sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : typeof a === "number" ? -1 : typeof b === "number" ? 1 : String(a).localeCompare(String(b))));
}
