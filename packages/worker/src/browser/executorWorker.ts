import "@shoal/protocol/noEval";
import * as Comlink from "comlink";
import { prepareEngine } from "@shoal/lua";
import type { JobSpec, MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import { ExecutorCache } from "../executor/ExecutorCache.ts";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { TaskErrorData } from "../executor/TaskError.ts";
import { glueWasmUrl } from "./glueWasmUrl.ts";

/** What one task run in the Web Worker came to; errors travel as data, since comlink would flatten them. */
export type WorkerOutcome = { ok: true; result: MapTaskResult | ReduceTaskResult } | { ok: false; error: TaskErrorData };

const jobs = new ExecutorCache({ wasmUrl: glueWasmUrl });

/**
 * The executor inside one Web Worker of a {@link WebWorkerPool}: fengari, and wasmoon once a job
 * asks for it (loaded from the build's glue.wasm and warmed up once), never a JavaScript bridge.
 */
const api = {
  async run(jobId: string, spec: JobSpec | undefined, task: MapTaskSpec | ReduceTaskSpec, shard: { hash: string; bytes: Uint8Array } | undefined): Promise<WorkerOutcome> {
    try {
      return { ok: true, result: await jobs.run(jobId, spec, task, shard) };
    } catch (error) {
      return { ok: false, error: TaskError.from(error).toData() };
    }
  },
  forget(jobId: string): void {
    jobs.forget(jobId);
  },
  /** Makes wasmoon ready in this Web Worker; rejects with why when its WebAssembly does not load here. */
  async prepareWasmoon(): Promise<void> {
    await prepareEngine("wasmoon", { wasmUrl: glueWasmUrl });
  },
};

/** The comlink interface of an executor Web Worker. */
export type ExecutorWorkerApi = typeof api;

Comlink.expose(api);
