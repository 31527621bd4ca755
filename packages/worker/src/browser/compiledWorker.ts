import "@shoal/protocol/noEval";
import * as Comlink from "comlink";
import { ExecutorCache } from "../executor/ExecutorCache.ts";
import { executorApi } from "./executorApi.ts";
import { lockDownWorker } from "./lockDownWorker.ts";

/*
 * The compiled engine's executor Web Worker. The engine turns a job's Lua into JavaScript with
 * `new Function`, so this one script is served with its own Content-Security-Policy:
 * `script-src 'self' 'unsafe-eval'` and `connect-src 'none'` (see the coordinator's
 * securityHeaders.ts). It fetches nothing, so it is locked down before anything else happens:
 * no fetch, WebSocket, importScripts, nested workers or storage, pinned for good.
 */
const lockedDown = Promise.resolve(lockDownWorker());

const api = {
  ...executorApi(new ExecutorCache(), lockedDown, ["compiled"]),
  /** Whether this worker may compile JavaScript: false where its policy forbids eval (an older coordinator, a stricter proxy). */
  canCompile(): boolean {
    try {
      return new Function("return 1")() === 1;
    } catch {
      return false;
    }
  },
};

/** The comlink interface of a compiled engine's executor Web Worker. */
export type CompiledWorkerApi = typeof api;

Comlink.expose(api);
