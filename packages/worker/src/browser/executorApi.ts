import type { EngineName, JobSpec, MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import type { ExecutorCache } from "../executor/ExecutorCache.ts";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { TaskErrorData } from "../executor/TaskError.ts";

/**
 * What one task run in a Web Worker came to; errors travel as data, since comlink would flatten
 * them. `needsShard`: the task named its shard without bytes and this worker no longer holds it.
 */
export type WorkerOutcome = { ok: true; result: MapTaskResult | ReduceTaskResult } | { ok: false; error: TaskErrorData } | { ok: false; needsShard: true };

/** A shard as the pool sends it: bytes the first time, only its hash once the worker holds it. */
export type WorkerShard = { hash: string; bytes?: Uint8Array | undefined } | undefined;

/**
 * The comlink interface both kinds of executor Web Worker expose (the interpreters' worker and
 * the compiled engine's): tasks run on `jobs` once `lockedDown` has taken the network away, and
 * a job whose engine is not one of `engines` is refused, so a job can never run in the wrong
 * worker (whose Content-Security-Policy was chosen for other engines).
 */
export function executorApi(jobs: ExecutorCache, lockedDown: Promise<string[]>, engines: readonly EngineName[]) {
  return {
    async run(jobId: string, spec: JobSpec | undefined, task: MapTaskSpec | ReduceTaskSpec, shard: WorkerShard): Promise<WorkerOutcome> {
      try {
        await lockedDown;
        if (spec && !engines.includes(spec.engine)) {
          throw new TaskError({ kind: "internal", message: `this executor Web Worker runs ${engines.join(" and ")}, not ${spec.engine}` });
        }
        if (shard && !shard.bytes && !jobs.holds(shard.hash)) return { ok: false, needsShard: true };
        return { ok: true, result: await jobs.run(jobId, spec, task, shard) };
      } catch (error) {
        return { ok: false, error: TaskError.from(error).toData() };
      }
    },
    forget(jobId: string): void {
      jobs.forget(jobId);
    },
    /** Waits for the lockdown and names the globals it took away (for the e2e test and diagnostics). */
    lockedDown(): Promise<string[]> {
      return lockedDown;
    },
  };
}

/** What every executor Web Worker answers over comlink. */
export type ExecutorApi = ReturnType<typeof executorApi>;
