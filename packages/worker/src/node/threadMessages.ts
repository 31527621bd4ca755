import type { JobSpec, MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import type { TaskErrorData } from "../executor/TaskError.ts";

/**
 * Messages from the pool to one of its threads (our own code on both ends). `load` preloads one
 * job with all its series (`shoal run`); a `run` with `jobId` names a job of a volunteer instead,
 * carrying its spec the first time the thread sees it and, for map tasks, the shard in shared memory.
 */
export type ToThread =
  | { type: "load"; spec: JobSpec; shards: Uint8Array[] }
  | {
      type: "run";
      id: number;
      task: MapTaskSpec | ReduceTaskSpec;
      jobId?: string;
      spec?: JobSpec;
      shard?: { hash: string; bytes: Uint8Array };
    }
  | { type: "forget"; jobId: string };

/** Messages from a thread back to the pool. */
export type FromThread =
  | { type: "started" }
  | { type: "loaded" }
  | { type: "load-failed"; error: TaskErrorData }
  | { type: "done"; id: number; result: MapTaskResult | ReduceTaskResult }
  | { type: "failed"; id: number; error: TaskErrorData };
