import * as Comlink from "comlink";
import type { MapTaskResult } from "@shoal/protocol";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import { SERIES_KEPT } from "../executor/ExecutorCache.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { TaskCancel, TaskRequest, VolunteerExecutor } from "../volunteer/VolunteerExecutor.ts";
import type { CompiledWorkerApi } from "./compiledWorker.ts";
import type { ExecutorWorkerApi } from "./executorWorker.ts";

type Result = MapTaskResult | ReduceTaskResult;

export interface WebWorkerPoolOptions {
  threads: number;
  /** Wall-clock limit per task (a job's own `deadlineMs` can only shorten it); a Web Worker that overruns it is terminated and replaced. */
  deadlineMs: number;
  /** Share of each thread's time spent computing, 1–100: after a task of t ms a thread rests t·(100−cpu)/cpu ms. */
  cpuPercent?: number;
  /** Starts one interpreters' executor Web Worker (fengari, wasmoon); the default loads `executorWorker.ts`. */
  createWorker?: () => Worker;
  /** Starts one compiled engine's executor Web Worker; the default loads `compiledWorker.ts`. */
  createCompiledWorker?: () => Worker;
}

/** Time spent by the pool's Web Workers, for the donor's stats. */
export interface PoolStats {
  cpuMs: number;
  tasks: number;
  replaced: number;
}

interface Pending {
  request: TaskRequest;
  resolve: (result: Result) => void;
  reject: (error: TaskError) => void;
}

/** One Web Worker of a slot, with what it was already sent. */
interface Lane<Api> {
  worker: Worker;
  api: Comlink.Remote<Api>;
  jobs: Set<string>;
  /** Shards this Web Worker was sent, least recently used first, as its ExecutorCache keeps them decoded. */
  shards: string[];
}

/**
 * One thread of the pool: it runs one task at a time, on the interpreters' Web Worker or, for a
 * compiled job, on its compiled engine's Web Worker (started on the first such task), whose
 * script alone may compile JavaScript.
 */
interface Slot {
  executor: Lane<ExecutorWorkerApi>;
  compiled: Lane<CompiledWorkerApi> | undefined;
  running: Pending | undefined;
  restingUntil: number;
}

function defaultWorker(): Worker {
  return new Worker(new URL("./executorWorker.ts", import.meta.url), { type: "module", name: "shoal-executor" });
}

function defaultCompiledWorker(): Worker {
  return new Worker(new URL("./compiledWorker.ts", import.meta.url), { type: "module", name: "shoal-compiled" });
}

function lane<Api>(worker: Worker): Lane<Api> {
  return { worker, api: Comlink.wrap<Api>(worker), jobs: new Set(), shards: [] };
}

function lanes(slot: Slot): Array<Lane<ExecutorWorkerApi> | Lane<CompiledWorkerApi>> {
  return slot.compiled ? [slot.executor, slot.compiled] : [slot.executor];
}

/**
 * Runs a browser volunteer's Lua tasks on Web Workers through comlink, with the Lua engines of
 * each Web Worker kept from task to task (fengari; wasmoon once a job needs it; compiled jobs in
 * a second Web Worker per thread whose script alone may compile JavaScript). A task past its deadline has its Web Worker terminated and replaced, so a runaway
 * script never blocks the page; a CPU cap below 100 % makes each thread rest between tasks.
 * A shard's bytes go to a Web Worker once: later tasks on that shard name only its hash (the
 * worker keeps it decoded), so the page does not copy the series into the worker per task;
 * a worker that has dropped it asks, and gets the bytes again.
 */
export class WebWorkerPool implements VolunteerExecutor {
  readonly stats: PoolStats = { cpuMs: 0, tasks: 0, replaced: 0 };

  /** The job of a task running now, if any: what the donor page shows as the current job. */
  get currentJob(): string | undefined {
    return this.#slots.find((slot) => slot.running)?.running?.request.jobId;
  }
  readonly #options: WebWorkerPoolOptions;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #cpuPercent: number;
  #wakeTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: WebWorkerPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError("threads must be a positive integer");
    this.#options = options;
    this.#cpuPercent = clampCpu(options.cpuPercent ?? 100);
  }

  /** Changes the CPU cap; takes effect from the next rest. */
  set cpuPercent(percent: number) {
    this.#cpuPercent = clampCpu(percent);
  }

  get cpuPercent(): number {
    return this.#cpuPercent;
  }

  /**
   * The Lua engines this pool's Web Workers run, to advertise in the hello: fengari always;
   * wasmoon when one Web Worker loads and warms it within `timeoutMs` (that one keeps it ready);
   * compiled when a compiled engine's Web Worker starts and may compile JavaScript (its script's
   * policy allows 'unsafe-eval') within `timeoutMs`. `onFailure` hears which engine is left out and why.
   */
  async engines(timeoutMs = 15_000, onFailure?: (engine: "wasmoon" | "compiled", reason: string) => void): Promise<string[]> {
    this.#start();
    const slot = this.#slots[0];
    if (!slot) return ["fengari"];
    const probe = async (engine: "wasmoon" | "compiled", ready: () => Promise<void>): Promise<string[]> => {
      try {
        await within(timeoutMs, ready());
        return [engine];
      } catch (error) {
        onFailure?.(engine, error instanceof Error ? error.message : String(error));
        return [];
      }
    };
    const [wasmoon, compiled] = await Promise.all([
      probe("wasmoon", () => slot.executor.api.prepareWasmoon()),
      probe("compiled", async () => {
        if (!(await this.#compiledLane(slot).api.canCompile())) throw new Error("this Web Worker's policy forbids compiling JavaScript");
      }),
    ]);
    return ["fengari", ...wasmoon!, ...compiled!];
  }

  run(request: TaskRequest, cancel?: TaskCancel): Promise<Result> {
    if (this.#closed) return Promise.reject(new TaskError({ kind: "internal", message: "executor pool is closed" }));
    if (cancel?.cancelled) return Promise.reject(cancelled());
    this.#start();
    return new Promise<Result>((resolve, reject) => {
      const pending: Pending = { request, resolve, reject };
      this.#queue.push(pending);
      cancel?.onCancel(() => this.#abort(pending));
      this.#dispatch();
    });
  }

  forgetJob(jobId: string): void {
    for (const slot of this.#slots) for (const each of lanes(slot)) if (each.jobs.delete(jobId)) void each.api.forget(jobId);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#wakeTimer);
    for (const pending of this.#queue.splice(0)) pending.reject(new TaskError({ kind: "internal", message: "executor pool closed" }));
    for (const slot of this.#slots.splice(0)) {
      slot.running?.reject(cancelled());
      for (const each of lanes(slot)) each.worker.terminate();
    }
  }

  #start(): void {
    if (this.#slots.length === 0 && !this.#closed) for (let i = 0; i < this.#options.threads; i++) this.#slots.push(this.#spawn());
  }

  #dispatch(): void {
    const now = Date.now();
    let nextWake = Infinity;
    for (const slot of this.#slots) {
      if (slot.running || this.#queue.length === 0) continue;
      if (slot.restingUntil > now) {
        nextWake = Math.min(nextWake, slot.restingUntil);
        continue;
      }
      void this.#runOn(slot, this.#queue.shift()!);
    }
    if (nextWake !== Infinity && this.#queue.length > 0) {
      clearTimeout(this.#wakeTimer);
      this.#wakeTimer = setTimeout(() => this.#dispatch(), nextWake - now);
    }
  }

  async #runOn(slot: Slot, pending: Pending): Promise<void> {
    const { jobId, spec, task, shard } = pending.request;
    slot.running = pending;
    const on: Lane<ExecutorWorkerApi> | Lane<CompiledWorkerApi> = spec.engine === "compiled" ? this.#compiledLane(slot) : slot.executor;
    const fresh = !on.jobs.has(jobId);
    on.jobs.add(jobId);
    const started = performance.now();
    const deadlineMs = Math.min(this.#options.deadlineMs, spec.deadlineMs ?? Infinity);
    const timer = setTimeout(() => {
      this.#replace(slot, TaskError.deadline(deadlineMs));
    }, deadlineMs);
    let outcome;
    try {
      const held = shard !== undefined && on.shards.includes(shard.hash);
      outcome = await on.api.run(jobId, fresh ? spec : undefined, task, held ? { hash: shard.hash } : shard);
      if (!outcome.ok && "needsShard" in outcome) outcome = await on.api.run(jobId, fresh ? spec : undefined, task, shard);
      if (shard) remember(on.shards, shard.hash);
    } catch (error) {
      outcome = { ok: false as const, error: { kind: "internal" as const, message: `executor Web Worker failed: ${(error as Error).message}` } };
    } finally {
      clearTimeout(timer);
    }
    if (slot.running !== pending) return;
    const elapsed = performance.now() - started;
    slot.running = undefined;
    slot.restingUntil = Date.now() + (elapsed * (100 - this.#cpuPercent)) / this.#cpuPercent;
    this.stats.cpuMs += elapsed;
    this.stats.tasks++;
    if (outcome.ok) pending.resolve(outcome.result);
    else pending.reject(new TaskError("error" in outcome ? outcome.error : { kind: "internal", message: "executor Web Worker lost the shard it was just sent" }));
    this.#dispatch();
  }

  #abort(pending: Pending): void {
    const queued = this.#queue.indexOf(pending);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      pending.reject(cancelled());
      return;
    }
    const slot = this.#slots.find((s) => s.running === pending);
    if (slot) this.#replace(slot, cancelled());
  }

  /** Terminates a stuck or cancelled slot's Web Workers, fails its task and starts a fresh slot in its place. */
  #replace(slot: Slot, failure: TaskError): void {
    const index = this.#slots.indexOf(slot);
    const pending = slot.running;
    slot.running = undefined;
    for (const each of lanes(slot)) {
      each.api[Comlink.releaseProxy]();
      each.worker.terminate();
    }
    if (index < 0 || this.#closed) return;
    this.#slots[index] = this.#spawn();
    this.stats.replaced++;
    pending?.reject(failure);
    this.#dispatch();
  }

  #spawn(): Slot {
    return { executor: lane((this.#options.createWorker ?? defaultWorker)()), compiled: undefined, running: undefined, restingUntil: 0 };
  }

  /** The slot's compiled engine's Web Worker, started on first use. */
  #compiledLane(slot: Slot): Lane<CompiledWorkerApi> {
    return (slot.compiled ??= lane((this.#options.createCompiledWorker ?? defaultCompiledWorker)()));
  }
}

/** Marks `hash` as the most recently sent shard, forgetting the oldest beyond what an ExecutorCache keeps. */
function remember(shards: string[], hash: string): void {
  const at = shards.indexOf(hash);
  if (at >= 0) shards.splice(at, 1);
  shards.push(hash);
  if (shards.length > SERIES_KEPT) shards.shift();
}

/** `promise`, or a rejection naming the limit once `ms` pass first. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not ready within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function clampCpu(percent: number): number {
  return Math.min(100, Math.max(1, Math.round(percent)));
}

function cancelled(): TaskError {
  return new TaskError({ kind: "internal", message: "task cancelled" });
}
