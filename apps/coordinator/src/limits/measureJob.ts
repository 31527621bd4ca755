import type { JobSpec, SplitSpec } from "@shoal/protocol";
import { gridSize } from "@shoal/protocol";

/** What a series contributes to a plan, as the dataset's metadata says: its rows and time range (epoch ms). */
export interface SeriesExtent {
  rows: number;
  from: number;
  to: number;
}

/** A job's size before planning: slices over all series, grid points, tasks, map calls and the plan's JSON length. */
export interface JobMeasure {
  slices: number;
  points: number;
  tasks: number;
  /** Characters of JSON the parameter points take across all map tasks. */
  pointChars: number;
  /** Characters of JSON the whole plan takes, estimated from above. */
  planChars: number;
}

/** JSON characters of a task besides its points, from above: id, slice, shard hash, inputs (a reduce's, merged). */
const TASK_CHARS = 320;
const INPUT_CHARS = 64;

/**
 * Measures the plan `planJob` would make of `spec` over these series without making it: time
 * windows are counted from above (at most one per row, and per window the series' range spans),
 * every other figure exactly. Runs in time linear in the series and the grid's values, so a
 * request for millions of tasks is sized in microseconds.
 */
export function measureJob(spec: JobSpec, series: readonly SeriesExtent[], hasReduce: boolean): JobMeasure {
  const slices = series.reduce((n, s) => n + sliceCount(s, spec.split), 0);
  const points = gridSize(spec.params);
  const batches = Math.ceil(points / spec.batchSize);
  const mapTasks = slices * batches;
  let reduceTasks = 0;
  let reduceInputs = 0;
  if (hasReduce) {
    let values = slices * points;
    do {
      const groups = Math.max(1, Math.ceil(values / spec.reduceFanIn));
      reduceTasks += groups;
      reduceInputs += Math.min(values, groups * spec.reduceFanIn);
      values = groups;
    } while (values > 1);
  }
  const pointChars = slices * gridChars(spec.params, points);
  const inputs = hasReduce ? reduceInputs : mapTasks;
  const tasks = mapTasks + reduceTasks;
  return { slices, points, tasks, pointChars, planChars: tasks * TASK_CHARS + inputs * INPUT_CHARS + pointChars };
}

/** Slices one series gives: exact for rows and none, from above for windows. */
function sliceCount(s: SeriesExtent, split: SplitSpec): number {
  if (s.rows <= 0) return 0;
  switch (split.kind) {
    case "none":
      return 1;
    case "rows":
      return Math.ceil(s.rows / split.rows);
    case "window":
      return Math.min(s.rows, Math.floor(s.to / split.ms) - Math.floor(s.from / split.ms) + 1);
  }
}

/**
 * JSON characters of every indexed point `{"index":i,"p":{...}}` of the grid, with a separating
 * comma: each value of a parameter appears in `points / values.length` points.
 */
function gridChars(grid: JobSpec["params"], points: number): number {
  const names = Object.keys(grid);
  const perPoint = `{"index":${points},"p":{}},`.length + Math.max(0, names.length - 1);
  let chars = points * perPoint;
  for (const name of names) {
    const values = grid[name] ?? [];
    const each = points / values.length;
    for (const value of values) chars += each * (JSON.stringify(name).length + 1 + JSON.stringify(value).length);
  }
  return chars;
}
