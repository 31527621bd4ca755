import type { Json, JobSpecInput, ParamValue, SplitSpec } from "@shoal/protocol";

/** One series of an uploaded dataset: its key, row count, time range (epoch ms) and shard address. */
export interface SeriesView {
  key: string;
  rows: number;
  from: number;
  to: number;
  shard: string;
}

/** A dataset as the coordinator describes it; `hash` is the SHA-256 of the uploaded CSV bytes. */
export interface DatasetView {
  id: string;
  name: string;
  hash: string;
  columns: string[];
  rows: number;
  bytes: number;
  series: SeriesView[];
  createdAt?: string;
}

/** A dataset as listings show it: its series counted, not listed (fetch the dataset for them). */
export type DatasetSummary = Omit<DatasetView, "series"> & { seriesCount: number };

/** An upload's answer: the dataset, and whether bytes were sent (false when the coordinator already had them). */
export interface UploadResult {
  dataset: DatasetView;
  uploaded: boolean;
}

export type JobStatus = "queued" | "running" | "done" | "failed" | "cancelled";

/** Tasks of a job by state. */
export interface TaskCounts {
  total: number;
  waiting: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
}

/** Why a job failed; a Lua error keeps Lua's message (`job.lua:12: ...`), line and traceback. */
export interface JobErrorView {
  message: string;
  taskId?: string;
  kind?: string;
  line?: number;
  traceback?: string;
}

/** A job as the coordinator shows it. */
export interface JobView {
  id: string;
  dataset: string;
  status: JobStatus;
  tasks: TaskCounts;
  results: { accepted: number; rejected: number };
  replicas: number;
  quorum: number;
  error?: JobErrorView;
  /** While it runs: a Lua error fewer volunteers than its quorum have reported so far. */
  unconfirmedError?: JobErrorView & { reporters: number };
  createdAt: string;
  finishedAt: string | null;
  spec: {
    /** The job's name, from the script's first comment line; absent when it opens without one. */
    title?: string;
    engine: string;
    params: Record<string, ParamValue[]>;
    points: number;
    split: SplitSpec;
    halo: number;
    batchSize: number;
    budget: number | "off";
    seed: number;
    /** The job's own wall-clock limit per task, when it set one. */
    deadlineMs?: number;
    hasReduce: boolean;
    scriptBytes: number;
  };
}

/** A map/reduce job to submit: a dataset id, the spec (defaults filled in by the coordinator) and replication. */
export interface JobRequest {
  dataset: string;
  spec: JobSpecInput;
  /** Copies of every task run on distinct peers (default 1). */
  replicas?: number;
  /** Agreeing copies needed to accept a result (default 1, at most `replicas`). */
  quorum?: number;
}

/** One event of a job's progress stream; the last one has type done, failed or cancelled. */
export interface JobEvent {
  type: "progress" | "done" | "failed" | "cancelled";
  job: JobView;
}

/** A connected volunteer. */
export interface PeerView {
  id: string;
  transport: string;
  threads: number;
  /** The Lua engines it runs; it only gets tasks of jobs on one of them. */
  engines: string[];
  tasksDone: number;
  shards: number;
  leases: number;
  /** Jobs the peer holds leases for now. */
  jobs: string[];
  /** Browser or Node, as its hello said; null when it did not say. */
  runtime: "browser" | "node" | null;
  /** Measured by the coordinator from results it accepted over the last `windowMs`, not claimed by the peer. */
  speed: { tasksPerMinute: number; meanTaskMs: number | null; windowMs: number };
  /** Up to eight tasks it holds leases for now: job, its title, the task within it (e.g. `map/12`). */
  tasks: Array<{ jobId: string; title?: string; task: string; attempt: number }>;
  reputation: { wins: number; losses: number; refused: boolean };
  connectedAt: string;
  /** When it last sent anything; past the coordinator's silence limit it is dropped. */
  lastHeardAt: string;
}

/** A syntax check's answer. */
export type CheckResult = { ok: true } | { ok: false; error: { message: string; line: number | null } };

/** A job's final value. */
export type JobResult = Json;
