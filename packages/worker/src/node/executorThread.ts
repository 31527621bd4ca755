import { parentPort } from "node:worker_threads";
import { fengariEngine } from "@shoal/lua";
import { decodeShard } from "@shoal/timeseries";
import { TaskExecutor } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { FromThread, ToThread } from "./threadMessages.ts";

/** One executor thread of a NodeExecutorPool: holds one compiled job and runs its tasks. */
const port = parentPort;
if (!port) throw new Error("executorThread must run in a worker thread");

let executor: TaskExecutor | undefined;
const reply = (message: FromThread) => port.postMessage(message);

port.on("message", (message: ToThread) => {
  if (message.type === "load") {
    try {
      executor?.dispose();
      executor = new TaskExecutor(fengariEngine, message.spec, message.shards.map(decodeShard));
      reply({ type: "loaded" });
    } catch (error) {
      reply({ type: "load-failed", error: TaskError.from(error).toData() });
    }
    return;
  }
  const { id, task } = message;
  try {
    if (!executor) throw new TaskError({ kind: "internal", message: "no job loaded" });
    const result = task.kind === "map" ? executor.runMap(task) : executor.runReduce(task);
    reply({ type: "done", id, result });
  } catch (error) {
    reply({ type: "failed", id, error: TaskError.from(error).toData() });
  }
});
