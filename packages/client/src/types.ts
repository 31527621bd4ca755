import type { DatasetView, Json, JobSpecInput } from "@shoal/protocol";

export type {
  CheckResult,
  DatasetSummary,
  DatasetView,
  JobErrorView,
  JobEvent,
  JobStatus,
  JobView,
  PeerView,
  ResultCounts,
  SeriesView,
  SpecSummary,
  TaskCounts,
  UnconfirmedErrorView,
} from "@shoal/protocol";

/** An upload's answer: the dataset, and whether bytes were sent (false when the coordinator already had them). */
export interface UploadResult {
  dataset: DatasetView;
  uploaded: boolean;
}

/** A map/reduce job to submit: a dataset id, the spec (defaults filled in by the coordinator) and replication. */
export interface JobRequest {
  dataset: string;
  spec: JobSpecInput;
  /** Copies of every task run on distinct peers (default 1). */
  replicas?: number;
  /** Agreeing copies needed to accept a result (default 1, at most `replicas`). */
  quorum?: number;
  /** Rerun the job on every version appended to the dataset (follow it with `watchLive`). */
  live?: boolean;
}

/** One finished version of a live job: the job that ran on a dataset version, and its result when done. */
export interface LiveVersion {
  /** The chain's first job. */
  chain: string;
  /** The dataset version the job ran on (1 for an upload). */
  version: number;
  dataset: string;
  jobId: string;
  status: "queued" | "running" | "done" | "failed" | "cancelled";
  /** Tasks taken from earlier jobs' outputs. */
  reused: number;
  total: number;
  result?: Json;
}

/** A live chain's rerun under way: the job computing a version, before it finishes. */
export interface LiveRunning {
  /** The chain's first job. */
  chain: string;
  /** The dataset version the job runs on. */
  version: number;
  dataset: string;
  jobId: string;
}

/** A job's final value. */
export type JobResult = Json;
