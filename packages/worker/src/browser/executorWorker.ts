import * as Comlink from "comlink";
import { fengariEngine } from "@shoal/lua";
import type { JobSpec, MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import { ExecutorCache } from "../executor/ExecutorCache.ts";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { TaskErrorData } from "../executor/TaskError.ts";

/** What one task run in the Web Worker came to; errors travel as data, since comlink would flatten them. */
export type WorkerOutcome = { ok: true; result: MapTaskResult | ReduceTaskResult } | { ok: false; error: TaskErrorData };

const jobs = new ExecutorCache(fengariEngine);

/** The executor inside one Web Worker of a {@link WebWorkerPool}: its own fengari runtime, no JavaScript bridge. */
const api = {
  run(jobId: string, spec: JobSpec | undefined, task: MapTaskSpec | ReduceTaskSpec, shard: { hash: string; bytes: Uint8Array } | undefined): WorkerOutcome {
    try {
      return { ok: true, result: jobs.run(jobId, spec, task, shard) };
    } catch (error) {
      return { ok: false, error: TaskError.from(error).toData() };
    }
  },
  forget(jobId: string): void {
    jobs.forget(jobId);
  },
};

/** The comlink interface of an executor Web Worker. */
export type ExecutorWorkerApi = typeof api;

Comlink.expose(api);
