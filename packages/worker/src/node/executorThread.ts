import { parentPort, workerData } from "node:worker_threads";
import { prepareEngine } from "@shoal/lua";
import { decodeShard } from "@shoal/timeseries";
import { ExecutorCache } from "../executor/ExecutorCache.ts";
import { TaskExecutor } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import { warmUpExecutor } from "../executor/warmUpExecutor.ts";
import type { FromThread, RunMessage, ThreadOutcome, ToThread } from "./threadMessages.ts";
import { RUNNING_ID, RUNNING_SINCE } from "./threadMessages.ts";
import { lockDownThread } from "./lockDownThread.ts";

/** One executor thread of a NodeExecutorPool: holds compiled jobs and runs their tasks. */
const port = parentPort;
if (!port) throw new Error("executorThread must run in a worker thread");
const running = new Float64Array((workerData as { running: SharedArrayBuffer }).running);
// Nothing in this thread needs the network or native code; a sandbox escape should not find them either.
lockDownThread();
running[RUNNING_ID] = -1;

/** A job whose recent tasks ran shorter than this has its outcomes sent several at a time. */
const SHORT_MS = 1;
/** Outcomes held back no longer than this before another task starts. */
const HOLD_MS = 2;

let executor: TaskExecutor | undefined;
const jobs = new ExecutorCache();
/** Recent run time per job (moving average), to tell short tasks from ones that may run long. */
const recentMs = new Map<string, number>();
let held: ThreadOutcome[] = [];
let heldSince = 0;
let flushQueued = false;

const post = (message: FromThread) => port.postMessage(message);

/** Sends the outcomes held back, in one message. */
function flush(): void {
  flushQueued = false;
  if (held.length === 0) return;
  post({ type: "outcomes", outcomes: held });
  held = [];
}

// Messages are handled one at a time, in order: a task posted behind one that is still making
// its engine ready (wasmoon loads asynchronously) must neither overtake it nor miss its job's spec.
let turn: Promise<void> = Promise.resolve();
port.on("message", (message: ToThread) => {
  if (message.type === "runs") for (const run of message.runs) turn = turn.then(() => runTask(run));
  else turn = turn.then(() => handle(message));
});

async function handle(message: Exclude<ToThread, { type: "runs" }>): Promise<void> {
  if (message.type === "load") {
    try {
      executor?.dispose();
      executor = new TaskExecutor(await prepareEngine(message.spec.engine), message.spec, message.shards.map(decodeShard));
      post({ type: "loaded" });
    } catch (error) {
      post({ type: "load-failed", error: TaskError.from(error).toData() });
    }
    return;
  }
  if (message.type === "forget") {
    recentMs.delete(message.jobId);
    return jobs.forget(message.jobId);
  }
  return runTask(message);
}

/**
 * Runs one task, its id and start time in shared memory while it runs (the pool's deadline reads
 * them). Outcomes of a job whose tasks are short are held and sent together when no posted task
 * is left; before a task that may run long (a job not seen yet or a slow one) or once held for
 * HOLD_MS, held outcomes go out first. What remains: a task of a short job that suddenly runs long
 * holds the outcomes finished just before it (under HOLD_MS old) until it ends or its deadline
 * replaces the thread, which then queues those tasks again; the volunteer's heartbeats keep their
 * leases meanwhile, so they are late, never lost.
 */
async function runTask(message: RunMessage): Promise<void> {
  const { id, task } = message;
  const job = message.jobId ?? "";
  const expected = recentMs.get(job);
  if (held.length > 0 && (expected === undefined || expected >= SHORT_MS || performance.now() - heldSince > HOLD_MS)) flush();
  const t0 = performance.now();
  running[RUNNING_SINCE] = Date.now();
  running[RUNNING_ID] = id;
  let outcome: ThreadOutcome;
  try {
    let result;
    if (message.jobId !== undefined) {
      result = await jobs.run(message.jobId, message.spec, task, message.shard);
    } else {
      if (!executor) throw new TaskError({ kind: "internal", message: "no job loaded" });
      result = task.kind === "map" ? executor.runMap(task) : executor.runReduce(task);
    }
    outcome = { type: "done", id, ms: performance.now() - t0, result };
  } catch (error) {
    outcome = { type: "failed", id, ms: performance.now() - t0, error: TaskError.from(error).toData() };
  }
  running[RUNNING_ID] = -1;
  recentMs.set(job, expected === undefined ? outcome.ms : 0.8 * expected + 0.2 * outcome.ms);
  if (held.length === 0) heldSince = performance.now();
  held.push(outcome);
  if (outcome.ms >= SHORT_MS) flush();
  else if (!flushQueued) {
    flushQueued = true;
    setImmediate(flush);
  }
}

// Modules are loaded: from here on, deadlines measure tasks, not the thread's start. A
// volunteer's threads first warm the task path up (see warmUpExecutor); posted tasks wait.
turn = turn.then(async () => post((workerData as { warmUp?: boolean }).warmUp ? { type: "started", warmUpMs: await warmUpExecutor() } : { type: "started" }));
