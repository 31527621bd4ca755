import type { DatasetId, ShardHash } from "../ids.ts";

/**
 * One series of an uploaded dataset: its key, row count, time range (epoch ms) and shard address:
 * its one chunk, or the manifest listing its chunks. `chunks` are its immutable chunks in time
 * order, each served at `/shards/{hash}` (absent for a series stored before chunks: its shard is its one chunk).
 */
export interface SeriesView {
  key: string;
  rows: number;
  from: number;
  to: number;
  shard: ShardHash;
  chunks?: Array<{ hash: ShardHash; rows: number }>;
}

/** A dataset as the HTTP API shows it; `hash` is the SHA-256 of the uploaded CSV bytes (for an append, of the parent's hash and the appended bytes), `bytes` their count. */
export interface DatasetView {
  id: DatasetId;
  name: string;
  hash: string;
  columns: string[];
  rows: number;
  bytes: number;
  series: SeriesView[];
  createdAt: string;
  /** For a version made by an append: the version it extends, and its number (an upload is version 1, shown without these). */
  parent?: DatasetId;
  version?: number;
}

/** A dataset as listings (`GET /api/datasets`) show it: its series counted, not listed. */
export type DatasetSummary = Omit<DatasetView, "series"> & { seriesCount: number };
