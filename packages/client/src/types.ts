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
}

/** A job's final value. */
export type JobResult = Json;
