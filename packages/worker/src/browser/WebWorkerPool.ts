import * as Comlink from "comlink";
import type { MapTaskResult } from "@shoal/protocol";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { TaskCancel, TaskRequest, VolunteerExecutor } from "../volunteer/VolunteerExecutor.ts";
import type { ExecutorWorkerApi } from "./executorWorker.ts";

type Result = MapTaskResult | ReduceTaskResult;

export interface WebWorkerPoolOptions {
  threads: number;
  /** Wall-clock limit per task (a job's own `deadlineMs` can only shorten it); a Web Worker that overruns it is terminated and replaced. */
  deadlineMs: number;
  /** Share of each thread's time spent computing, 1–100: after a task of t ms a thread rests t·(100−cpu)/cpu ms. */
  cpuPercent?: number;
  /** Starts one executor Web Worker; the default loads `executorWorker.ts`. */
  createWorker?: () => Worker;
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

interface Slot {
  worker: Worker;
  api: Comlink.Remote<ExecutorWorkerApi>;
  running: Pending | undefined;
  restingUntil: number;
  jobs: Set<string>;
}

function defaultWorker(): Worker {
  return new Worker(new URL("./executorWorker.ts", import.meta.url), { type: "module", name: "shoal-executor" });
}

/**
 * Runs a browser volunteer's Lua tasks on Web Workers through comlink, with the Lua engines of
 * each Web Worker kept from task to task (fengari; wasmoon once a job needs it). A task past its deadline has its Web Worker terminated and replaced, so a runaway
 * script never blocks the page; a CPU cap below 100 % makes each thread rest between tasks.
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
   * The Lua engines this pool's Web Workers run, to advertise in the hello: fengari always, and
   * wasmoon when one Web Worker loads and warms it within `timeoutMs` (that one keeps it ready).
   * `onFailure` hears why wasmoon is left out.
   */
  async engines(timeoutMs = 15_000, onFailure?: (reason: string) => void): Promise<string[]> {
    this.#start();
    const slot = this.#slots[0];
    if (!slot) return ["fengari"];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs)));
    try {
      await Promise.race([slot.api.prepareWasmoon(), timeout]);
      return ["fengari", "wasmoon"];
    } catch (error) {
      onFailure?.(error instanceof Error ? error.message : String(error));
      return ["fengari"];
    } finally {
      clearTimeout(timer);
    }
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
    for (const slot of this.#slots) if (slot.jobs.delete(jobId)) void slot.api.forget(jobId);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#wakeTimer);
    for (const pending of this.#queue.splice(0)) pending.reject(new TaskError({ kind: "internal", message: "executor pool closed" }));
    for (const slot of this.#slots.splice(0)) {
      slot.running?.reject(cancelled());
      slot.worker.terminate();
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
    const fresh = !slot.jobs.has(jobId);
    slot.jobs.add(jobId);
    const started = performance.now();
    const deadlineMs = Math.min(this.#options.deadlineMs, spec.deadlineMs ?? Infinity);
    const timer = setTimeout(() => {
      this.#replace(slot, TaskError.deadline(deadlineMs));
    }, deadlineMs);
    let outcome;
    try {
      outcome = await slot.api.run(jobId, fresh ? spec : undefined, task, shard);
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
    else pending.reject(new TaskError(outcome.error));
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

  /** Terminates a stuck or cancelled Web Worker, fails its task and starts a fresh one in its place. */
  #replace(slot: Slot, failure: TaskError): void {
    const index = this.#slots.indexOf(slot);
    const pending = slot.running;
    slot.running = undefined;
    slot.api[Comlink.releaseProxy]();
    slot.worker.terminate();
    if (index < 0 || this.#closed) return;
    this.#slots[index] = this.#spawn();
    this.stats.replaced++;
    pending?.reject(failure);
    this.#dispatch();
  }

  #spawn(): Slot {
    const worker = (this.#options.createWorker ?? defaultWorker)();
    return { worker, api: Comlink.wrap<ExecutorWorkerApi>(worker), running: undefined, restingUntil: 0, jobs: new Set() };
  }
}

function clampCpu(percent: number): number {
  return Math.min(100, Math.max(1, Math.round(percent)));
}

function cancelled(): TaskError {
  return new TaskError({ kind: "internal", message: "task cancelled" });
}
