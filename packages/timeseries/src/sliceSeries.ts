import type { SliceRange } from "./planSlices.ts";
import type { Series } from "./Series.ts";

/** Rows haloStart..end of a series as views; `first` is the 1-based index of the first owned row. */
export interface SeriesSlice {
  key: string;
  time: Float64Array;
  columns: Record<string, Float64Array>;
  first: number;
}

/** Cuts one planned range out of a series without copying: every array is a subarray view. */
export function sliceSeries(series: Series, range: SliceRange): SeriesSlice {
  const { haloStart, start, end } = range;
  const n = series.time.length;
  const integers = Number.isInteger(haloStart) && Number.isInteger(start) && Number.isInteger(end);
  if (!integers || haloStart < 0 || haloStart > start || start >= end || end > n) {
    throw new RangeError(`invalid slice range ${JSON.stringify(range)} for ${n} rows`);
  }
  const columns = Object.fromEntries(
    Object.entries(series.columns).map(([name, column]) => [name, column.subarray(haloStart, end)]),
  );
  return { key: series.key, time: series.time.subarray(haloStart, end), columns, first: start - haloStart + 1 };
}
