import type { DatasetId, JobId, TaskId } from "../ids.ts";
import type { SplitSpec, ParamValue } from "../jobSpec.ts";
import type { TaskFailureData } from "../messages.ts";

/** A job's status as authors see it: `queued` while it runs but no task has started or finished yet. */
export type JobStatus = "queued" | "running" | "done" | "failed" | "cancelled";

/** Tasks of a job by state: `waiting` for inputs, `queued` for a peer, `running` on peers, `done`, `failed`. */
export interface TaskCounts {
  total: number;
  waiting: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
  /** Of the done tasks, those whose outputs came from the memo of an earlier job (incremental reruns); absent when none. */
  reused?: number;
}

/** Results volunteers reported: accepted by quorum, or rejected (outvoted or malformed). */
export interface ResultCounts {
  accepted: number;
  rejected: number;
}

/** Why a job failed; a Lua error keeps Lua's message (`job.lua:12: ...`), kind, line and traceback. */
export interface JobErrorView {
  message: string;
  taskId?: TaskId;
  kind?: TaskFailureData["kind"];
  line?: number;
  traceback?: string;
}

/** A Lua error some volunteers reported that the job's quorum has not confirmed yet. */
export interface UnconfirmedErrorView extends JobErrorView {
  /** Distinct volunteers that reported this kind and message so far. */
  reporters: number;
}

/** The parts of a job spec worth listing; the script itself is left out. */
export interface SpecSummary {
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
}

/** A job as the HTTP API shows it (`GET /api/jobs/:id`, listings, progress events). */
export interface JobView {
  id: JobId;
  dataset: DatasetId;
  status: JobStatus;
  tasks: TaskCounts;
  results: ResultCounts;
  replicas: number;
  quorum: number;
  error?: JobErrorView;
  /** While it runs: a Lua error fewer volunteers than its quorum have reported so far. */
  unconfirmedError?: UnconfirmedErrorView;
  createdAt: string;
  finishedAt: string | null;
  spec: SpecSummary;
  /**
   * Present while the job is a live chain's first job or the one computing (or last computed) its
   * newest version: the chain's first job, and that newest job. Absent for every other job.
   */
  live?: { chain: JobId; current: JobId };
}

/** One event of a job's progress stream (`GET /api/jobs/:id/events`); the last one has type done, failed or cancelled. */
export interface JobEvent {
  type: "progress" | "done" | "failed" | "cancelled";
  job: JobView;
}
