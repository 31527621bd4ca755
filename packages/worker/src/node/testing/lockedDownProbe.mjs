// A worker thread that locks itself down as an executor thread does, then reports what is left
// (for lockDownThread.test.ts): fetch and process.binding must throw, the compiled engine and wasmoon
// (loaded after the lockdown) must run.
import { register } from "tsx/esm/api";
import { parentPort } from "node:worker_threads";

register();
const { lockDownThread } = await import("../lockDownThread.ts");
const { prepareEngine } = await import("@shoal/lua");
const engine = await prepareEngine("compiled");
const removed = lockDownThread();
const blocked = (f) => {
  try {
    f();
    return "open";
  } catch {
    return "blocked";
  }
};
// wasmoon loads its glue.wasm after the lockdown here, as an executor thread does on its first wasmoon job.
const wasmoon = await prepareEngine("wasmoon");
const wasmoonValue = wasmoon.load({ source: "function map(series, p) return p.x * 3 end" }).map({ key: "k", time: new Float64Array(0), columns: {}, first: 1 }, { x: 21 }, 1).value;
const job = engine.load({ source: "function map(series, p) return p.x * 2 end" });
const compiled = job.map({ key: "k", time: new Float64Array(0), columns: {}, first: 1 }, { x: 21 }, 1).value;
parentPort.postMessage({ removed, fetch: blocked(() => globalThis.fetch("http://127.0.0.1:9")), binding: blocked(() => process.binding("fs")), compiled, wasmoon: wasmoonValue });
