import "@shoal/protocol/noEval";
import * as Comlink from "comlink";
import { prepareEngine } from "@shoal/lua";
import type { JobSpec, MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import { ExecutorCache } from "../executor/ExecutorCache.ts";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { TaskErrorData } from "../executor/TaskError.ts";
import { glueWasmUrl } from "./glueWasmUrl.ts";
import { lockDownWorker } from "./lockDownWorker.ts";

/** What one task run in the Web Worker came to; errors travel as data, since comlink would flatten them. */
export type WorkerOutcome = { ok: true; result: MapTaskResult | ReduceTaskResult } | { ok: false; error: TaskErrorData };

const jobs = new ExecutorCache({ wasmUrl: glueWasmUrl });

/*
 * wasmoon's glue.wasm is the one thing this worker fetches, so it is loaded (and warmed up) at
 * once, and then the network globals are taken away before any task runs: `run` and
 * `prepareWasmoon` wait for the lockdown. A load that fails is remembered and reported by
 * prepareWasmoon; the worker is locked down all the same and runs fengari jobs.
 */
const wasmoonLoad: Promise<Error | undefined> = prepareEngine("wasmoon", { wasmUrl: glueWasmUrl }).then(
  () => undefined,
  (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
);
const lockedDown: Promise<string[]> = wasmoonLoad.then(() => lockDownWorker());

/**
 * The executor inside one Web Worker of a {@link WebWorkerPool}: fengari, and wasmoon once a job
 * asks for it (loaded from the build's glue.wasm and warmed up once), never a JavaScript bridge,
 * and no network: see {@link lockDownWorker}.
 */
const api = {
  async run(jobId: string, spec: JobSpec | undefined, task: MapTaskSpec | ReduceTaskSpec, shard: { hash: string; bytes: Uint8Array } | undefined): Promise<WorkerOutcome> {
    try {
      await lockedDown;
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
    const failure = await wasmoonLoad;
    await lockedDown;
    if (failure) throw failure;
  },
  /** Waits for the lockdown and names the globals it took away (for the e2e test and diagnostics). */
  lockedDown(): Promise<string[]> {
    return lockedDown;
  },
};

/** The comlink interface of an executor Web Worker. */
export type ExecutorWorkerApi = typeof api;

Comlink.expose(api);
