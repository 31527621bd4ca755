import type { DatasetId, JobId } from "@shoal/protocol";
import type { ChunkRecord, DatasetRecord, IngestOptions, JobOutcome, JobRow, LiveChainRow } from "./Store.ts";

/** A `datasets` row as both SQL stores read it (the SQLite and PostgreSQL tables have the same columns). */
export interface DatasetRowSql {
  id: string;
  name: string;
  hash: string;
  options: string;
  columns: string;
  rows: number;
  bytes: number;
  created_at: string;
  parent: string | null;
  version: number;
}

/** A `jobs` row as both SQL stores read it: `has_reduce` is 0/1 in SQLite, a boolean in PostgreSQL. */
export interface JobRowSql {
  id: string;
  dataset_id: string;
  spec: string;
  has_reduce: number | boolean;
  replicas: number;
  quorum: number;
  status: string;
  created_at: string;
  finished_at: string | null;
  tasks: string | null;
  results: string | null;
  error: string | null;
}

/** The columns {@link jobFromRow} reads. */
export const JOB_COLUMNS = "id, dataset_id, spec, has_reduce, replicas, quorum, status, created_at, finished_at, tasks, results, error";

/** A series' chunk list as a `dataset_series.chunks` column holds it: JSON `[[hash, rows], ...]`, or NULL for none recorded. */
export function chunksToSql(chunks: readonly ChunkRecord[] | undefined): string | null {
  return chunks === undefined ? null : JSON.stringify(chunks.map((c) => [c.hash, c.rows]));
}

/** The chunk list of a `dataset_series.chunks` column, absent when NULL (a series stored before chunks). */
export function chunksFromSql(text: string | null): { chunks?: ChunkRecord[] } {
  if (text === null) return {};
  return { chunks: (JSON.parse(text) as Array<[string, number]>).map(([hash, rows]) => ({ hash: hash as ChunkRecord["hash"], rows })) };
}

/** A dataset row without its series, which each store reads its own way. */
export function datasetOutline(row: DatasetRowSql): Omit<DatasetRecord, "series"> {
  return {
    id: row.id as DatasetId,
    name: row.name,
    hash: row.hash,
    options: JSON.parse(row.options) as IngestOptions,
    columns: JSON.parse(row.columns) as string[],
    rows: row.rows,
    bytes: row.bytes,
    createdAt: row.created_at,
    ...(row.parent === null ? {} : { parent: row.parent as DatasetId, version: row.version }),
  };
}

/** A job row, with its outcome once it is no longer running. */
export function jobFromRow(row: JobRowSql): JobRow {
  const job: JobRow = {
    id: row.id as JobId,
    dataset: row.dataset_id as DatasetId,
    spec: row.spec,
    hasReduce: row.has_reduce === true || row.has_reduce === 1,
    replicas: row.replicas,
    quorum: row.quorum,
    createdAt: row.created_at,
  };
  if (row.status !== "running") {
    job.outcome = {
      status: row.status as JobOutcome["status"],
      finishedAt: row.finished_at ?? "",
      tasks: JSON.parse(row.tasks ?? "null") as JobOutcome["tasks"],
      results: JSON.parse(row.results ?? "null") as JobOutcome["results"],
    };
    if (row.error !== null) job.outcome.error = JSON.parse(row.error) as JobOutcome["error"];
  }
  return job;
}

/** A `live_chains` row as both SQL stores read it. */
export interface LiveChainRowSql {
  id: string;
  owner: string;
  current: string;
  last: string | null;
  created_at: string;
  epoch: number | string;
}

/** The columns {@link liveChainFromRow} reads, in the order the stores' inserts write them. */
export const LIVE_CHAIN_COLUMNS = "id, owner, current, last, created_at, epoch";

/** A live chain's row as its insert's parameters, in {@link LIVE_CHAIN_COLUMNS} order. */
export function liveChainToSql(chain: LiveChainRow): [string, string, string, string | null, string, number] {
  return [chain.id, chain.owner, chain.current, chain.last ?? null, chain.createdAt, chain.epoch];
}

/** A live chain row as read; what it names is checked by `LiveJobs` when it resumes the chain. */
export function liveChainFromRow(row: LiveChainRowSql): LiveChainRow {
  const chain: LiveChainRow = { id: row.id as JobId, owner: row.owner, current: row.current as JobId, createdAt: row.created_at, epoch: Number(row.epoch) };
  if (row.last !== null) chain.last = row.last as JobId;
  return chain;
}
