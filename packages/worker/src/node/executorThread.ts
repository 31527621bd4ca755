import { parentPort } from "node:worker_threads";
import { prepareEngine } from "@shoal/lua";
import { decodeShard } from "@shoal/timeseries";
import { ExecutorCache } from "../executor/ExecutorCache.ts";
import { TaskExecutor } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { FromThread, ToThread } from "./threadMessages.ts";

/** One executor thread of a NodeExecutorPool: holds compiled jobs and runs their tasks. */
const port = parentPort;
if (!port) throw new Error("executorThread must run in a worker thread");

let executor: TaskExecutor | undefined;
const jobs = new ExecutorCache();
const reply = (message: FromThread) => port.postMessage(message);

// Messages are handled one at a time, in order: a task posted behind one that is still making
// its engine ready (wasmoon loads asynchronously) must neither overtake it nor miss its job's spec.
let turn: Promise<void> = Promise.resolve();
port.on("message", (message: ToThread) => {
  turn = turn.then(() => handle(message));
});

async function handle(message: ToThread): Promise<void> {
  if (message.type === "load") {
    try {
      executor?.dispose();
      executor = new TaskExecutor(await prepareEngine(message.spec.engine), message.spec, message.shards.map(decodeShard));
      reply({ type: "loaded" });
    } catch (error) {
      reply({ type: "load-failed", error: TaskError.from(error).toData() });
    }
    return;
  }
  if (message.type === "forget") return jobs.forget(message.jobId);
  const { id, task } = message;
  try {
    let result;
    if (message.jobId !== undefined) {
      result = await jobs.run(message.jobId, message.spec, task, message.shard);
    } else {
      if (!executor) throw new TaskError({ kind: "internal", message: "no job loaded" });
      result = task.kind === "map" ? executor.runMap(task) : executor.runReduce(task);
    }
    reply({ type: "done", id, result });
  } catch (error) {
    reply({ type: "failed", id, error: TaskError.from(error).toData() });
  }
}

// Modules are loaded: from here on, deadlines measure tasks, not the thread's start.
reply({ type: "started" });
