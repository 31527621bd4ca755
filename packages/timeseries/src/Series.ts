/** One keyed time series: epoch-ms times, strictly increasing, and numeric columns of the same length. */
export interface Series {
  key: string;
  time: Float64Array;
  columns: Record<string, Float64Array>;
}

/** Everything ingested from one upload: series sorted by key, numeric column names in header order. */
export interface Dataset {
  series: Series[];
  columns: string[];
  rows: number;
}
