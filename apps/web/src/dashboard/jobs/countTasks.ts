import type { ParamGrid, SplitSpec } from "@shoal/protocol";
import { gridSize } from "@shoal/protocol";

/** What the form knows of a dataset's series: rows and first and last timestamps (epoch ms). */
export interface SeriesExtent {
  rows: number;
  from: number;
  to: number;
}

/** The size of a job's task graph; with a window split, `exact` is false and the counts are upper bounds. */
export interface TaskCount {
  points: number;
  /** Map tasks per slice: the points in batches of `batchSize`. */
  batches: number;
  slices: number;
  map: number;
  /** Reduce tasks, 0 when the script defines no `reduce`. */
  reduce: number;
  exact: boolean;
}

/**
 * Counts the tasks `planJob` in `@shoal/scheduler` makes, by arithmetic: a slice per
 * `rows=N` rows or per time window, a map task per slice and batch of points, and a
 * reduce tree of fan-in `reduceFanIn` over every point of every slice. The planner builds
 * each task and so cannot run per keystroke on a 100 000-point grid. Only a series' time
 * range is known here, so a window split counts every window in it, empty ones too.
 */
export function countTasks(series: readonly SeriesExtent[], spec: { params: ParamGrid; split: SplitSpec; batchSize: number; reduceFanIn: number }, hasReduce: boolean): TaskCount {
  const points = gridSize(spec.params);
  const batches = Math.ceil(points / spec.batchSize);
  let slices = 0;
  let exact = true;
  for (const { rows, from, to } of series) {
    if (rows === 0) continue;
    const { split } = spec;
    if (split.kind === "none") slices += 1;
    else if (split.kind === "rows") slices += Math.ceil(rows / split.rows);
    else {
      const windows = Math.floor(to / split.ms) - Math.floor(from / split.ms) + 1;
      slices += Math.min(rows, windows);
      // The first and last windows hold the first and last rows; any between may be empty.
      if (Math.min(rows, windows) > 2) exact = false;
    }
  }
  let reduce = 0;
  if (hasReduce) {
    let values = points * slices;
    do {
      values = Math.max(1, Math.ceil(values / spec.reduceFanIn));
      reduce += values;
    } while (values > 1);
  }
  return { points, batches, slices, map: slices * batches, reduce, exact };
}

/** Whether a script defines a global `reduce` the way the examples do; the coordinator learns it for sure by running the top level. */
export function definesReduce(script: string): boolean {
  return /^\s*function\s+reduce\s*\(|^\s*reduce\s*=\s*function\s*\(/m.test(script);
}
