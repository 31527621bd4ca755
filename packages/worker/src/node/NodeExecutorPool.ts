import { Worker } from "node:worker_threads";
import type { JobSpec, MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { FromThread, ToThread } from "./threadMessages.ts";

const THREAD_ENTRY = new URL("./executorThread.mjs", import.meta.url);

export interface NodeExecutorPoolOptions {
  threads: number;
  /** Wall-clock limit per task; a thread that overruns it is terminated and replaced. */
  deadlineMs: number;
}

interface Pending {
  id: number;
  task: MapTaskSpec | ReduceTaskSpec;
  resolve: (result: MapTaskResult | ReduceTaskResult) => void;
  reject: (error: TaskError) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  running: Pending | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Runs one job's tasks on `worker_threads`, one Lua executor per thread. Shards are copied
 * once into shared memory, so every thread reads the same bytes without copying them again.
 */
export class NodeExecutorPool {
  readonly #options: NodeExecutorPoolOptions;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
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
    for (let i = 0; i < this.#options.threads; i++) this.#slots.push(this.#spawn());
    await Promise.all(this.#slots.map((slot) => slot.ready));
  }

  runMap(task: MapTaskSpec): Promise<MapTaskResult> {
    return this.#submit(task) as Promise<MapTaskResult>;
  }

  runReduce(task: ReduceTaskSpec): Promise<ReduceTaskResult> {
    return this.#submit(task) as Promise<ReduceTaskResult>;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) pending.reject(new TaskError({ kind: "internal", message: "executor pool closed" }));
    await Promise.all(this.#slots.map((slot) => this.#stop(slot)));
    this.#slots.length = 0;
  }

  #submit(task: MapTaskSpec | ReduceTaskSpec): Promise<MapTaskResult | ReduceTaskResult> {
    if (this.#closed || !this.#load) return Promise.reject(new TaskError({ kind: "internal", message: "executor pool is not loaded" }));
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, task, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.running || this.#queue.length === 0) continue;
      const pending = this.#queue.shift()!;
      slot.running = pending;
      slot.ready.then(
        () => {
          if (slot.running !== pending) return;
          slot.timer = setTimeout(() => this.#overran(slot), this.#options.deadlineMs);
          slot.worker.postMessage({ type: "run", id: pending.id, task: pending.task } satisfies ToThread);
        },
        (error: TaskError) => this.#settle(slot, () => pending.reject(error)),
      );
    }
  }

  #spawn(): Slot {
    const worker = new Worker(THREAD_ENTRY);
    const slot: Slot = { worker, ready: Promise.resolve(), running: undefined, timer: undefined };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.on("message", (message: FromThread) => {
        switch (message.type) {
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
    worker.postMessage(this.#load);
    return slot;
  }

  #finish(slot: Slot, id: number, settle: (pending: Pending) => void): void {
    const pending = slot.running;
    if (!pending || pending.id !== id) return;
    this.#settle(slot, () => settle(pending));
  }

  #settle(slot: Slot, settle: () => void): void {
    clearTimeout(slot.timer);
    slot.running = undefined;
    slot.timer = undefined;
    settle();
    this.#dispatch();
  }

  #overran(slot: Slot): void {
    const seconds = this.#options.deadlineMs / 1000;
    this.#replace(slot, new TaskError({ kind: "deadline", message: `job.lua: task exceeded its deadline of ${seconds} s` }));
  }

  /** Terminates a stuck or crashed thread, fails its task, and puts a fresh thread in its place. */
  #replace(slot: Slot, failure: TaskError): void {
    const index = this.#slots.indexOf(slot);
    if (index < 0) return;
    const pending = slot.running;
    clearTimeout(slot.timer);
    slot.running = undefined;
    void slot.worker.terminate();
    if (this.#closed) return;
    this.#slots[index] = this.#spawn();
    pending?.reject(failure);
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
