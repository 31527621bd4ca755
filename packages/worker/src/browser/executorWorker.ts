import "@shoal/protocol/noEval";
import * as Comlink from "comlink";
import { prepareEngine } from "@shoal/lua";
import { ExecutorCache } from "../executor/ExecutorCache.ts";
import { executorApi } from "./executorApi.ts";
import { glueWasmUrl } from "./glueWasmUrl.ts";
import { lockDownWorker } from "./lockDownWorker.ts";

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
 * The interpreters' executor inside one Web Worker of a {@link WebWorkerPool}: fengari, and
 * wasmoon (loaded from the build's glue.wasm and warmed up once), never a JavaScript bridge, and
 * no network: see {@link lockDownWorker}. Its script is served under the pages' policy, without
 * 'unsafe-eval'; compiled jobs run in `compiledWorker.ts` instead.
 */
const api = {
  ...executorApi(jobs, lockedDown, ["fengari", "wasmoon"]),
  /** Makes wasmoon ready in this Web Worker; rejects with why when its WebAssembly does not load here. */
  async prepareWasmoon(): Promise<void> {
    const failure = await wasmoonLoad;
    await lockedDown;
    if (failure) throw failure;
  },
};

/** The comlink interface of an interpreters' executor Web Worker. */
export type ExecutorWorkerApi = typeof api;

Comlink.expose(api);
