import { parentPort } from "node:worker_threads";
import { LuaError, prepareEngine } from "@shoal/lua";
import { ENGINE_NAMES } from "@shoal/protocol";
import type { ProbeReply, ProbeRequest } from "./probeMessages.ts";

/**
 * The submit probe's thread: loads a job's script (which runs its top level once) and says whether
 * it defines `reduce`. It runs one script at a time; the coordinator ends the thread when a script
 * outlives its deadline or the thread's heap cap, so nothing here needs to stop runaway code.
 */
const port = parentPort;
if (!port) throw new Error("probeThread must run in a worker thread");
const post = (reply: ProbeReply) => port.postMessage(reply);

port.on("message", (request: ProbeRequest) => {
  void probe(request).then(post);
});
// Every engine loads before the thread says it is ready, so a probe's deadline times the script and
// not wasmoon's module compile, which takes seconds on a loaded machine. A failed load shows in the
// probes on that engine.
void Promise.allSettled(ENGINE_NAMES.map((name) => prepareEngine(name, { warmUp: false }))).then(() => post({ type: "ready" }));

async function probe(request: ProbeRequest): Promise<ProbeReply> {
  try {
    const engine = await prepareEngine(request.engine, { warmUp: false });
    const job = engine.load({ source: request.source, budget: request.budget, maxResultBytes: request.maxResultBytes, maxMemoryBytes: request.maxMemoryBytes });
    const { hasReduce } = job;
    job.dispose();
    return { type: "probed", hasReduce };
  } catch (error) {
    if (error instanceof LuaError) return error.line === undefined ? { type: "lua-error", message: error.message } : { type: "lua-error", message: error.message, line: error.line };
    return { type: "lua-error", message: `the script's top level could not run: ${error instanceof Error ? error.message : String(error)}` };
  }
}
