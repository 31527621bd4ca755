import { Worker } from "node:worker_threads";
import type { JobSpec, MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { TaskCancel, TaskRequest, VolunteerExecutor } from "../volunteer/VolunteerExecutor.ts";
import type { FromThread, ToThread } from "./threadMessages.ts";

const THREAD_ENTRY = new URL("./executorThread.mjs", import.meta.url);
/** Shards kept in shared memory for the threads, most recently used last. */
const SHARED_SHARDS_KEPT = 32;
/**
 * Tasks posted to a thread at once: the one it runs and the next, so a thread starts its next
 * task without waiting for this thread's round trip (short tasks spend most of their time there).
 */
const IN_FLIGHT = 2;

export interface NodeExecutorPoolOptions {
  threads: number;
  /** Wall-clock limit per task (a job's own `deadlineMs` can only shorten it); a thread that overruns it is terminated and replaced. */
  deadlineMs: number;
}

type Result = MapTaskResult | ReduceTaskResult;

interface Pending {
  id: number;
  task: MapTaskSpec | ReduceTaskSpec;
  /** Set for a volunteer's task; absent for the job preloaded by `load`. */
  request?: TaskRequest;
  resolve: (result: Result) => void;
  reject: (error: TaskError) => void;
  /** Cancelled while posted to a thread behind another task: its outcome is ignored when it comes. */
  dropped?: boolean;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  /** Tasks posted to the thread, in order; the first is running and its deadline is `timer`. */
  inFlight: Pending[];
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Jobs whose spec this thread has been sent. */
  jobs: Set<string>;
}

/**
 * Runs Lua tasks on `worker_threads`, one executor per thread. Either one job preloaded with all
 * its series (`load`, for `shoal run`), or tasks of any number of jobs as a volunteer receives
 * them (`run`). Shards go to the threads in shared memory, so no thread copies them again.
 */
export class NodeExecutorPool implements VolunteerExecutor {
  readonly #options: NodeExecutorPoolOptions;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  readonly #shared = new Map<string, Uint8Array>();
  readonly #promises = new WeakMap<Promise<Result>, Pending>();
  #load: ToThread | undefined;
  #nextId = 0;
  #closed = false;

  constructor(options: NodeExecutorPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError("threads must be a positive integer");
    this.#options = options;
  }

  /** Starts the threads and loads the job into each; rejects with the job's load error (say, a Lua error at top level). */
  async load(spec: JobSpec, shards: readonly Uint8Array[]): Promise<void> {
    this.#load = { type: "load", spec, shards: shards.map(toShared) };
    this.#start();
    await Promise.all(this.#slots.map((slot) => slot.ready));
  }

  runMap(task: MapTaskSpec): Promise<MapTaskResult> {
    if (!this.#load) return notLoaded();
    return this.#submit(task) as Promise<MapTaskResult>;
  }

  runReduce(task: ReduceTaskSpec): Promise<ReduceTaskResult> {
    if (!this.#load) return notLoaded();
    return this.#submit(task) as Promise<ReduceTaskResult>;
  }

  /** Runs a volunteer's task; the threads start on first use. Aborting stops the task, terminating its thread if it is running. */
  run(request: TaskRequest, cancel?: TaskCancel): Promise<Result> {
    if (cancel?.cancelled) return Promise.reject(cancelled());
    this.#start();
    const promise = this.#submit(request.task, request);
    if (cancel) {
      cancel.onCancel(() => this.#abort(promise));
      const done = () => cancel.onCancel(undefined);
      promise.then(done, done);
    }
    return promise;
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
    if (slot.inFlight[0] === pending) return this.#replace(slot, cancelled());
    pending.dropped = true;
    pending.reject(cancelled());
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      while (slot.inFlight.length < IN_FLIGHT && this.#queue.length > 0) {
        const pending = this.#queue.shift()!;
        slot.inFlight.push(pending);
        slot.ready.then(
          () => {
            if (!slot.inFlight.includes(pending)) return;
            if (slot.inFlight[0] === pending) this.#arm(slot);
            slot.worker.postMessage(this.#runMessage(slot, pending));
          },
          (error: TaskError) => this.#settle(slot, pending, () => pending.reject(error)),
        );
      }
    }
  }

  /** Starts the deadline of the task the thread runs now (the first posted). */
  #arm(slot: Slot): void {
    clearTimeout(slot.timer);
    const pending = slot.inFlight[0];
    const spec = pending?.request?.spec ?? (this.#load?.type === "load" ? this.#load.spec : undefined);
    const deadlineMs = Math.min(this.#options.deadlineMs, spec?.deadlineMs ?? Infinity);
    slot.timer = setTimeout(() => this.#overran(slot, deadlineMs), deadlineMs);
  }

  #runMessage(slot: Slot, pending: Pending): ToThread {
    const { id, task, request } = pending;
    if (!request) return { type: "run", id, task };
    const message: ToThread = { type: "run", id, task, jobId: request.jobId };
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
    const worker = new Worker(THREAD_ENTRY);
    const slot: Slot = { worker, ready: Promise.resolve(), inFlight: [], timer: undefined, jobs: new Set() };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.on("message", (message: FromThread) => {
        switch (message.type) {
          case "started":
            if (!this.#load) resolve();
            return;
          case "loaded":
            return resolve();
          case "load-failed":
            return reject(new TaskError(message.error));
          case "done":
            return this.#finish(slot, message.id, (p) => p.resolve(message.result));
          case "failed":
            return this.#finish(slot, message.id, (p) => p.reject(new TaskError(message.error)));
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

  #finish(slot: Slot, id: number, settle: (pending: Pending) => void): void {
    const pending = slot.inFlight.find((p) => p.id === id);
    if (!pending) return;
    this.#settle(slot, pending, () => {
      if (!pending.dropped) settle(pending);
    });
  }

  /** Takes a finished task off its thread, starts the next one's deadline, and posts more. */
  #settle(slot: Slot, pending: Pending, settle: () => void): void {
    const index = slot.inFlight.indexOf(pending);
    if (index >= 0) slot.inFlight.splice(index, 1);
    clearTimeout(slot.timer);
    slot.timer = undefined;
    if (slot.inFlight.length > 0) this.#arm(slot);
    settle();
    this.#dispatch();
  }

  #overran(slot: Slot, deadlineMs: number): void {
    const seconds = deadlineMs / 1000;
    this.#replace(slot, new TaskError({ kind: "deadline", message: `job.lua: task exceeded its deadline of ${seconds} s` }));
  }

  /**
   * Terminates a stuck, crashed or cancelled thread, fails the task it was running, puts the tasks
   * posted behind it back at the head of the queue, and puts a fresh thread in its place.
   */
  #replace(slot: Slot, failure: TaskError): void {
    const index = this.#slots.indexOf(slot);
    if (index < 0) return;
    const [running, ...behind] = slot.inFlight;
    clearTimeout(slot.timer);
    slot.inFlight = [];
    void slot.worker.terminate();
    if (this.#closed) return;
    this.#slots[index] = this.#spawn();
    this.#queue.unshift(...behind.filter((p) => !p.dropped));
    if (running && !running.dropped) running.reject(failure);
    this.#dispatch();
  }

  async #stop(slot: Slot): Promise<void> {
    clearTimeout(slot.timer);
    await slot.worker.terminate();
  }
}

function toShared(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}

function cancelled(): TaskError {
  return new TaskError({ kind: "internal", message: "task cancelled" });
}

function notLoaded<T>(): Promise<T> {
  return Promise.reject(new TaskError({ kind: "internal", message: "executor pool is not loaded" }));
}
