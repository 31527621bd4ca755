import type { IndexedPoint, JobSpec, MapTaskSpec } from "@shoal/protocol";
import { expandGrid } from "@shoal/protocol";
import { planSlices } from "@shoal/timeseries";

/** What planning needs to know of one series: its key and its timestamps. */
export interface SeriesOutline {
  key: string;
  time: Float64Array;
}

/**
 * Splits a job into map tasks: every slice of every series under every batch of
 * parameter points. Tasks come in result order — series key, slice start, then
 * point index — so concatenating their outputs gives the job's map output.
 */
export function planMapTasks(series: readonly SeriesOutline[], spec: JobSpec): MapTaskSpec[] {
  const points: IndexedPoint[] = expandGrid(spec.params).map((p, index) => ({ index, p }));
  const batches: IndexedPoint[][] = [];
  for (let i = 0; i < points.length; i += spec.batchSize) batches.push(points.slice(i, i + spec.batchSize));
  const ordered = [...series].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const tasks: MapTaskSpec[] = [];
  for (const { key, time } of ordered) {
    for (const range of planSlices(time, spec.split, spec.halo)) {
      for (const batch of batches) tasks.push({ kind: "map", slice: { key, ...range }, points: batch });
    }
  }
  return tasks;
}
