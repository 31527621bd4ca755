import type { JobSpec, MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import type { TaskErrorData } from "../executor/TaskError.ts";

/** Preloads one job with all its series (in shared memory) into a thread, for `shoal run`. */
export interface LoadMessage {
  type: "load";
  spec: JobSpec;
  shards: Uint8Array[];
}

/**
 * Messages from the pool to one of its threads (our own code on both ends). `load` preloads one
 * job with all its series (`shoal run`); a `run` with `jobId` names a job of a volunteer instead,
 * carrying its spec the first time the thread sees it and, for map tasks, the shard in shared memory;
 * `runs` carries several `run`s posted at once.
 */
export type ToThread =
  | LoadMessage
  | {
      type: "run";
      id: number;
      task: MapTaskSpec | ReduceTaskSpec;
      jobId?: string;
      spec?: JobSpec;
      shard?: { hash: string; bytes: Uint8Array };
    }
  | { type: "forget"; jobId: string }
  | { type: "runs"; runs: RunMessage[] };

export type RunMessage = Extract<ToThread, { type: "run" }>;

/** A task's outcome from a thread; `ms` is how long it ran. */
export type ThreadOutcome =
  | { type: "done"; id: number; ms: number; result: MapTaskResult | ReduceTaskResult }
  | { type: "failed"; id: number; ms: number; error: TaskErrorData };

/**
 * Messages from a thread back to the pool. Outcomes of short tasks come several to a message
 * (`outcomes`), sent when the thread runs out of posted tasks or before one that may run long.
 */
export type FromThread =
  | { type: "started"; warmUpMs?: number }
  | { type: "loaded" }
  | { type: "load-failed"; error: TaskErrorData }
  | { type: "outcomes"; outcomes: ThreadOutcome[] };

/**
 * What a thread is running, in shared memory, so the pool can time each task from its real start
 * without a message per task: [task id or -1 when idle, start time in epoch ms].
 */
export const RUNNING_ID = 0;
export const RUNNING_SINCE = 1;
