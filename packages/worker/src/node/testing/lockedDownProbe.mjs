// A worker thread that locks itself down as an executor thread does, then reports what is left
// (for lockDownThread.test.ts): fetch and process.binding must throw, the compiled engine must run.
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
const job = engine.load({ source: "function map(series, p) return p.x * 2 end" });
const compiled = job.map({ key: "k", time: new Float64Array(0), columns: {}, first: 1 }, { x: 21 }, 1).value;
parentPort.postMessage({ removed, fetch: blocked(() => fetch("http://127.0.0.1:9")), binding: blocked(() => process.binding("fs")), compiled });
