import type { IndexedPoint, JobSpec } from "@shoal/protocol";
import { expandGrid } from "@shoal/protocol";
import { reduceGroups } from "@shoal/scheduler";
import type { SeriesView } from "../types.ts";
import type { GraphSpec } from "./GraphRequest.ts";
import type { OutputRange } from "./TaskGraphBuilder.ts";
import { TaskGraphBuilder } from "./TaskGraphBuilder.ts";

/**
 * A map/reduce job as a general task graph, shaped exactly as the coordinator plans `/api/jobs`:
 * map tasks by series key, slice and batch of points, then a reduce tree of fan-in
 * `spec.reduceFanIn` (or the list of map outputs without `reduce`). Splitting by time window
 * needs the timestamps, which only the coordinator has; use `createJob` for that.
 */
export function mapReduceGraph(series: readonly SeriesView[], spec: JobSpec, hasReduce: boolean): GraphSpec {
  if (spec.split.kind === "window") throw new RangeError("a window split needs the series' timestamps; submit it with createJob");
  const step = spec.split.kind === "rows" ? spec.split.rows : Infinity;
  const points: IndexedPoint[] = expandGrid(spec.params).map((p, index) => ({ index, p }));
  const graph = new TaskGraphBuilder();
  let values: OutputRange[] = [];
  for (const { key, rows } of [...series].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    for (let start = 0; start < rows; start += step) {
      const end = Math.min(rows, start + step);
      for (let i = 0; i < points.length; i += spec.batchSize) {
        const task = graph.map({ key, start, end, halo: spec.halo, points: points.slice(i, i + spec.batchSize) });
        for (let o = 0; o < task.to; o++) values.push(task.slice(o, o + 1));
      }
    }
  }
  if (!hasReduce) return graph.build(merge(values));
  let level = 0;
  let last;
  do {
    const groups = values.length === 0 ? [{ from: 0, to: 0 }] : reduceGroups(values.length, spec.reduceFanIn);
    const current = values;
    values = groups.map(({ from, to }, group) => (last = graph.reduce(merge(current.slice(from, to)), { level, group })));
    level++;
  } while (values.length > 1);
  return graph.build(last!);
}

/** Joins adjacent ranges of one task, as the coordinator's planner does. */
function merge(ranges: readonly OutputRange[]): OutputRange[] {
  const merged: OutputRange[] = [];
  for (const range of ranges) {
    const previous = merged.at(-1);
    if (previous && previous.task === range.task && previous.to === range.from) merged[merged.length - 1] = { task: range.task, from: previous.from, to: range.to };
    else merged.push(range);
  }
  return merged;
}
