import type { FailureKind, JobId, Json, MapTaskSpec, PeerId, ReduceTaskSpec, ShardHash, TaskFailureData, TaskId } from "@shoal/protocol";
import type { TaskGraph } from "./TaskGraph.ts";

/** What a peer is asked to run: a map task, or a reduce task with its input values filled in. */
export type TaskPayload = MapTaskSpec | ReduceTaskSpec;

/** One attempt of one task held by one peer until `deadline` (epoch ms) unless heartbeats extend it. */
export interface Lease {
  jobId: JobId;
  taskId: TaskId;
  attempt: number;
  peerId: PeerId;
  deadline: number;
  /** True for a duplicate of a slow task handed out when the queue ran dry. */
  backup: boolean;
}

/** A lease as sent to the peer: which attempt of which task to run, and the task itself. */
export interface Assignment {
  jobId: JobId;
  taskId: TaskId;
  attempt: number;
  leaseDeadline: number;
  backup: boolean;
  task: TaskPayload;
  /** The shard a map task reads. */
  shard?: ShardHash;
}

/** A task's value as a peer reports it: a map task's outputs (one per point) or a reduce task's output. */
export type TaskResult = { outputs: Json[] } | { output: Json };

/** A failed attempt as a peer reports it, with Lua's message, line and traceback: the wire's `TaskFailureData`. */
export type TaskFailure = TaskFailureData;

/** Why a job failed; a confirmed Lua error keeps its kind, line and traceback. */
export interface JobError {
  message: string;
  taskId?: TaskId;
  kind?: FailureKind;
  line?: number;
  traceback?: string;
}

/** A Lua error some peers reported that the job's quorum has not confirmed yet. */
export interface UnconfirmedError extends JobError {
  /** Distinct peers that reported this kind and message so far. */
  reporters: number;
}

/** Something the caller may want to announce (SSE, logs); returned by the call that caused it. */
export type SchedulerEvent =
  | {
      type: "task-done";
      jobId: JobId;
      taskId: TaskId;
      /** Distinct peers whose agreeing results completed it: those that may be credited. */
      winners: PeerId[];
      /** What the task is worth ({@link taskUnits}), and the quorum its job asked for. */
      units: number;
      quorum: number;
    }
  | { type: "job-done"; jobId: JobId; result: Json }
  | { type: "job-failed"; jobId: JobId; error: JobError }
  | { type: "peer-refused"; peerId: PeerId; reason: string };

/** What every state change hands back: leases the caller must tell their peers to drop, and events. */
export interface Effects {
  cancel: Lease[];
  events: SchedulerEvent[];
}

/** Answer to a peer asking for work; `refused` says why it gets none at all. */
export interface WorkGrant extends Effects {
  assignments: Assignment[];
  refused?: string;
}

/** How a reported result or failure was taken; `reason` explains anything but `accepted`. */
export interface SubmitOutcome extends Effects {
  status: "accepted" | "duplicate" | "stale" | "rejected";
  reason?: string;
  /** Set when the report was turned away before it touched any state (unknown, foreign, duplicate, stale): there is nothing to log. */
  untouched?: true;
}

/** Leases that ran out (or whose peer left) and were re-queued. */
export interface Expiry extends Effects {
  expired: Lease[];
}

/** A job to run: its graph and how much to trust and favour it; unset fields take the scheduler's options. */
export interface JobSubmission {
  id: JobId;
  graph: TaskGraph;
  replicas?: number;
  quorum?: number;
  replicaCap?: number;
  /** Share of the grid relative to other jobs; default 1. */
  weight?: number;
  leaseMs?: number;
  /** The Lua engine every task needs: only peers advertising it get them, and the job waits queued until one connects. Unset: any peer. */
  engine?: string;
  /**
   * Largest JSON size of one output, as the job's engines enforce it: a reported output past it is
   * a malformed result, so no stored output can make the assignment that hands it on too large.
   */
  resultBytes?: number;
}

export type JobStatus = "running" | "done" | "failed" | "cancelled";

/** Progress of one job for dashboards and SSE. */
export interface JobSnapshot {
  id: JobId;
  status: JobStatus;
  /** Tasks by state: `waiting` for inputs, `queued` for a peer, `running` on peers, `done`, `failed`. */
  tasks: { total: number; waiting: number; queued: number; running: number; done: number; failed: number; reused?: number };
  results: { accepted: number; rejected: number };
  /** Completed tasks per peer whose result won. */
  peers: Record<string, number>;
  result?: Json;
  error?: JobError;
  /** While the job runs: the latest Lua error still waiting for its quorum of reporters. */
  unconfirmedError?: UnconfirmedError;
}

/** A peer as the scheduler sees it. */
export interface PeerSnapshot {
  id: PeerId;
  online: boolean;
  slots: number;
  leases: number;
  /** Leases it may still be given now (slots plus prefetch, less what it holds). */
  credit: number;
  wins: number;
  losses: number;
  refused: boolean;
}
