import type { JobId, Json, PeerId, ShardHash } from "@shoal/protocol";
import type { PeerStanding } from "./Reputation.ts";
import type { ResultSpec, TaskNode } from "./TaskGraph.ts";
import type { JobError, JobStatus, TaskFailure, UnconfirmedError } from "./types.ts";

/** Where one attempt stands; only `leased` attempts hold a lease. */
export type AttemptPhase = "leased" | "result" | "failed" | "expired" | "cancelled" | "discarded";

/** Attempt `n` of a task is `attempts[n - 1]`. */
export interface AttemptState {
  peer: PeerId;
  start: number;
  deadline: number;
  phase: AttemptPhase;
  backup: boolean;
}

/** A task's node and everything that happened to it; `results` and `errors` are unverified reports. */
export interface TaskState extends TaskNode {
  status: "pending" | "done" | "failed";
  attempts: AttemptState[];
  failures: number;
  results: Array<{ attempt: number; values: Json[]; canonical: string }>;
  errors: Array<{ attempt: number; error: TaskFailure }>;
  /** The verified outputs once done. */
  output?: Json[];
  /** True when the outputs came from the memo (`memoOutput`) instead of peers. */
  reused?: true;
}

export interface JobState {
  id: JobId;
  status: JobStatus;
  replicas: number;
  quorum: number;
  replicaCap: number;
  weight: number;
  leaseMs: number;
  /** The Lua engine the job's peers must run; absent: any. */
  engine?: string;
  /** Largest JSON size of one output; absent: no limit beyond the protocol's. */
  resultBytes?: number;
  result: ResultSpec;
  tasks: TaskState[];
  error?: JobError;
  /** The latest Lua error still short of the job's quorum; cleared when its task completes. */
  unconfirmed?: UnconfirmedError;
  /** Run times (ms) of the latest completed tasks, for the backup-task threshold. */
  durations: number[];
  accepted: number;
  rejected: number;
  peers: Record<string, number>;
}

export interface PeerState {
  id: PeerId;
  slots: number;
  shards: ShardHash[];
  /** The Lua engines the peer advertised; absent: it gets any job. */
  engines?: string[];
  /** Measured completion rate, for prefetch credit; absent in snapshots from before it existed. */
  throughput?: ThroughputState;
}

/** Reports a peer made since `since` (ms), and the rate (reports per ms) of its last full window. */
export interface ThroughputState {
  rate: number;
  since: number;
  count: number;
  /** When the peer last reported (absent in snapshots from before it was kept). */
  last?: number;
}

/**
 * Everything a {@link JobScheduler} knows, as plain JSON: jobs in submission order, online peers,
 * and every peer's reputation. Indexes (queues, leases by peer) are rebuilt from it on restore.
 */
export interface SchedulerState {
  version: 1;
  jobs: JobState[];
  peers: PeerState[];
  reputation: PeerStanding[];
}
