import { Worker } from "node:worker_threads";
import type { MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { TaskRequest } from "../volunteer/VolunteerExecutor.ts";
import type { FromThread, LoadMessage, RunMessage, ThreadOutcome, ToThread } from "./threadMessages.ts";
import { RUNNING_ID, RUNNING_SINCE } from "./threadMessages.ts";

const THREAD_ENTRY = new URL("./executorThread.mjs", import.meta.url);
/** Shards kept in shared memory for the threads, most recently used last. */
const SHARED_SHARDS_KEPT = 32;
/**
 * Tasks posted to a thread at once: the one it runs and the next, so a thread starts its next
 * task without waiting for a round trip; up to SHORT_IN_FLIGHT while its recent tasks ran shorter
 * than SHORT_MS, so short tasks go out and come back several to a message (a message each way
 * cost a trivial task more than running it).
 */
const IN_FLIGHT = 2;
const SHORT_IN_FLIGHT = 16;
const SHORT_MS = 1;

/** Options of the Node executor pools (`NodeExecutorPool` for volunteers, `NodeJobPool` for `shoal run`). */
export interface NodeExecutorPoolOptions {
  threads: number;
  /** Wall-clock limit per task (a job's own `deadlineMs` can only shorten it); a thread that overruns it is terminated and replaced. */
  deadlineMs: number;
  /** Each thread runs warmUpExecutor before it takes tasks (a volunteer's threads: they live long). */
  warmUp?: boolean;
  log?: (line: string) => void;
}

/** What a task gives back. */
export type Result = MapTaskResult | ReduceTaskResult;

interface Pending {
  id: number;
  task: MapTaskSpec | ReduceTaskSpec;
  /** Set for a volunteer's task; absent for the job preloaded into every thread. */
  request?: TaskRequest;
  resolve: (result: Result) => void;
  reject: (error: TaskError) => void;
  /** Cancelled while posted to a thread behind another task: its outcome is ignored when it comes. */
  dropped?: boolean;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  /** Tasks posted to the thread, in order of posting (and of running). */
  inFlight: Pending[];
  /** The deadline watch: fires when the task running now would overrun, then looks again. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Shared with the thread: the id of the task it runs (-1: none) and since when (epoch ms). */
  running: Float64Array;
  /** Moving average of the thread's recent task run times, ms. */
  recentMs: number;
  /** Jobs whose spec this thread has been sent. */
  jobs: Set<string>;
}

/**
 * The `worker_threads` under both Node executor pools: one executor per thread, tasks queued and
 * posted a few at a time, each watched against its deadline (a thread that overruns, crashes or
 * runs a cancelled task is terminated and replaced). With `load`, every thread first loads that
 * one job with all its series (`shoal run`); without, tasks carry their job and shard (a
 * volunteer). Shards go to the threads in shared memory, so no thread copies them again.
 */
export class NodeThreadPool {
  readonly #options: NodeExecutorPoolOptions;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  readonly #shared = new Map<string, Uint8Array>();
  readonly #promises = new WeakMap<Promise<Result>, Pending>();
  readonly #load: LoadMessage | undefined;
  #nextId = 0;
  #closed = false;

  constructor(options: NodeExecutorPoolOptions, load?: LoadMessage) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError("threads must be a positive integer");
    this.#options = options;
    this.#load = load;
  }

  /** Starts the threads, once; before that, tasks wait in the queue. */
  start(): void {
    this.#start();
  }

  /** Resolves when every thread started (and loaded the job, if any); rejects with a load error or a crash. */
  async ready(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.ready));
  }

  /** Queues a task: the preloaded job's, or a volunteer's `request`. */
  submit(task: MapTaskSpec | ReduceTaskSpec, request?: TaskRequest): Promise<Result> {
    return this.#submit(task, request);
  }

  /** Stops a task `submit` returned: unqueued if waiting, its thread replaced if running. */
  abort(promise: Promise<Result>): void {
    this.#abort(promise);
  }

  forgetJob(jobId: string): void {
    for (const slot of this.#slots) {
      if (slot.jobs.delete(jobId)) slot.worker.postMessage({ type: "forget", jobId } satisfies ToThread);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) pending.reject(new TaskError({ kind: "internal", message: "executor pool closed" }));
    await Promise.all(this.#slots.map((slot) => this.#stop(slot)));
    this.#slots.length = 0;
  }

  #start(): void {
    if (this.#slots.length > 0 || this.#closed) return;
    for (let i = 0; i < this.#options.threads; i++) this.#slots.push(this.#spawn());
  }

  #submit(task: MapTaskSpec | ReduceTaskSpec, request?: TaskRequest): Promise<Result> {
    if (this.#closed) return Promise.reject(new TaskError({ kind: "internal", message: "executor pool is closed" }));
    let pending: Pending | undefined;
    const promise = new Promise<Result>((resolve, reject) => {
      pending = { id: this.#nextId++, task, request, resolve, reject };
    });
    this.#promises.set(promise, pending!);
    this.#queue.push(pending!);
    this.#dispatch();
    return promise;
  }

  #abort(promise: Promise<Result>): void {
    const pending = this.#promises.get(promise);
    if (!pending) return;
    const queued = this.#queue.indexOf(pending);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      pending.reject(cancelled());
      return;
    }
    const slot = this.#slots.find((s) => s.inFlight.includes(pending));
    if (!slot) return;
    if (slot.running[RUNNING_ID] === pending.id || slot.inFlight[0] === pending) return this.#replace(slot, cancelled(), pending);
    pending.dropped = true;
    pending.reject(cancelled());
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      const limit = slot.recentMs < SHORT_MS ? SHORT_IN_FLIGHT : IN_FLIGHT;
      const posting: Pending[] = [];
      while (slot.inFlight.length < limit && this.#queue.length > 0) {
        const pending = this.#queue.shift()!;
        slot.inFlight.push(pending);
        posting.push(pending);
      }
      if (posting.length === 0) continue;
      slot.ready.then(
        () => {
          const runs = posting.filter((p) => slot.inFlight.includes(p)).map((p) => this.#runMessage(slot, p));
          if (runs.length === 0) return;
          slot.worker.postMessage(runs.length === 1 ? runs[0] : ({ type: "runs", runs } satisfies ToThread));
          this.#watch(slot);
        },
        (error: TaskError) => {
          for (const pending of posting) this.#settle(slot, pending, () => pending.reject(error));
        },
      );
    }
  }

  /**
   * The deadline of the task a thread runs now, timed from when it really started (the thread
   * writes that into shared memory): one timer per thread that fires when the running task would
   * overrun, or when a task posted behind it could at the earliest, and then looks again.
   */
  #watch(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    if (slot.inFlight.length === 0) return;
    const id = slot.running[RUNNING_ID];
    const running = slot.inFlight.find((p) => p.id === id);
    let next = Infinity;
    if (running) {
      const limit = this.#deadlineOf(running);
      const left = (slot.running[RUNNING_SINCE] as number) + limit - Date.now();
      if (left <= 0) return this.#overran(slot, running, limit);
      next = left;
    }
    // A task that has not started cannot overrun before its own limit from now: look again by then.
    for (const pending of slot.inFlight) if (pending !== running) next = Math.min(next, this.#deadlineOf(pending));
    slot.timer = setTimeout(() => this.#watch(slot), Math.max(1, next));
  }

  #deadlineOf(pending: Pending): number {
    const spec = pending.request?.spec ?? this.#load?.spec;
    return Math.min(this.#options.deadlineMs, spec?.deadlineMs ?? Infinity);
  }

  #runMessage(slot: Slot, pending: Pending): RunMessage {
    const { id, task, request } = pending;
    if (!request) return { type: "run", id, task };
    const message: RunMessage = { type: "run", id, task, jobId: request.jobId };
    if (!slot.jobs.has(request.jobId)) {
      message.spec = request.spec;
      slot.jobs.add(request.jobId);
    }
    if (request.shard) message.shard = { hash: request.shard.hash, bytes: this.#sharedShard(request.shard.hash, request.shard.bytes) };
    return message;
  }

  #sharedShard(hash: string, bytes: Uint8Array): Uint8Array {
    let shared = this.#shared.get(hash);
    if (shared) this.#shared.delete(hash);
    else shared = toShared(bytes);
    this.#shared.set(hash, shared);
    if (this.#shared.size > SHARED_SHARDS_KEPT) this.#shared.delete(this.#shared.keys().next().value!);
    return shared;
  }

  #spawn(): Slot {
    const running = new Float64Array(new SharedArrayBuffer(2 * Float64Array.BYTES_PER_ELEMENT));
    running[RUNNING_ID] = -1;
    const worker = new Worker(THREAD_ENTRY, { workerData: { running: running.buffer, warmUp: this.#options.warmUp === true } });
    const slot: Slot = { worker, ready: Promise.resolve(), inFlight: [], timer: undefined, running, recentMs: SHORT_MS, jobs: new Set() };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.on("message", (message: FromThread) => {
        switch (message.type) {
          case "started":
            if (message.warmUpMs !== undefined) this.#options.log?.(`executor thread warmed up in ${message.warmUpMs.toFixed(0)} ms`);
            if (!this.#load) resolve();
            return;
          case "loaded":
            return resolve();
          case "load-failed":
            return reject(new TaskError(message.error));
          case "outcomes":
            for (const outcome of message.outcomes) this.#finish(slot, outcome);
            return this.#dispatch();
        }
      });
      worker.on("error", (error) => {
        const failure = new TaskError({ kind: "internal", message: `executor thread crashed: ${error.message}` });
        reject(failure);
        this.#replace(slot, failure);
      });
    });
    slot.ready.catch(() => undefined);
    if (this.#load) worker.postMessage(this.#load);
    return slot;
  }

  #finish(slot: Slot, outcome: ThreadOutcome): void {
    const index = slot.inFlight.findIndex((p) => p.id === outcome.id);
    if (index < 0) return;
    const [pending] = slot.inFlight.splice(index, 1) as [Pending];
    slot.recentMs = 0.8 * slot.recentMs + 0.2 * outcome.ms;
    if (slot.inFlight.length === 0) this.#watch(slot);
    if (pending.dropped) return;
    if (outcome.type === "done") pending.resolve(outcome.result);
    else pending.reject(new TaskError(outcome.error));
  }

  /** Takes a task off its thread (or out of its thread's start-up) unrun, and posts more. */
  #settle(slot: Slot, pending: Pending, settle: () => void): void {
    const index = slot.inFlight.indexOf(pending);
    if (index >= 0) slot.inFlight.splice(index, 1);
    if (slot.inFlight.length === 0) this.#watch(slot);
    settle();
    this.#dispatch();
  }

  #overran(slot: Slot, running: Pending, deadlineMs: number): void {
    this.#replace(slot, TaskError.deadline(deadlineMs), running);
  }

  /**
   * Terminates a stuck, crashed or cancelled thread, fails the task it was running (`blamed`;
   * by default the one the thread says it runs), puts every other task posted to it back at the
   * head of the queue (outcomes it held back die with it), and puts a fresh thread in its place.
   */
  #replace(slot: Slot, failure: TaskError, blamed?: Pending): void {
    const index = this.#slots.indexOf(slot);
    if (index < 0) return;
    const running = blamed ?? slot.inFlight.find((p) => p.id === slot.running[RUNNING_ID]) ?? slot.inFlight[0];
    const others = slot.inFlight.filter((p) => p !== running && !p.dropped);
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.inFlight = [];
    void slot.worker.terminate();
    if (this.#closed) return;
    this.#slots[index] = this.#spawn();
    this.#queue.unshift(...others);
    if (running && !running.dropped) running.reject(failure);
    this.#dispatch();
  }

  async #stop(slot: Slot): Promise<void> {
    clearTimeout(slot.timer);
    await slot.worker.terminate();
  }
}

/** A copy of `bytes` in shared memory, which threads read without copying. */
export function toShared(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}

/** The failure of a task cancelled before it finished. */
export function cancelled(): TaskError {
  return new TaskError({ kind: "internal", message: "task cancelled" });
}
