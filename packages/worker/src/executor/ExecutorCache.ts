import type { JobSpec, MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import type { EngineOptions } from "@shoal/lua";
import { prepareEngine } from "@shoal/lua";
import type { Series } from "@shoal/timeseries";
import { decodeShard } from "@shoal/timeseries";
import type { ReduceTaskResult } from "./TaskExecutor.ts";
import { TaskExecutor } from "./TaskExecutor.ts";
import { TaskError } from "./TaskError.ts";

/** Decoded shards kept per executor; decoding only wraps bytes in typed arrays, so this stays small. */
export const SERIES_KEPT = 16;

/**
 * The compiled jobs and decoded shards of one executor (a thread, a Web Worker, or the page
 * itself), so tasks of many jobs can arrive in any order. Each job runs on the engine its spec
 * names; an engine is made ready (wasmoon: loaded and warmed up) the first time a job needs it,
 * then shared by every later job of this thread. A job whose script fails to load keeps failing
 * with that error rather than being compiled again for every task.
 */
export class ExecutorCache {
  readonly #engineOptions: EngineOptions;
  readonly #jobs = new Map<string, TaskExecutor | TaskError>();
  /** Jobs whose engine is being made ready, so a task that arrives meanwhile waits for the same load. */
  readonly #loading = new Map<string, Promise<TaskExecutor | TaskError>>();
  readonly #series = new Map<string, Series>();

  /** `engineOptions` say where wasmoon's glue.wasm is (a browser must). */
  constructor(engineOptions: EngineOptions = {}) {
    this.#engineOptions = engineOptions;
  }

  /**
   * Runs a task of `jobId`; `spec` is needed the first time a job is seen, `shard` for map tasks:
   * its bytes may be left out when {@link holds} says the shard is kept decoded here.
   */
  async run(
    jobId: string,
    spec: JobSpec | undefined,
    task: MapTaskSpec | ReduceTaskSpec,
    shard: { hash: string; bytes?: Uint8Array | undefined } | undefined,
  ): Promise<MapTaskResult | ReduceTaskResult> {
    const executor = this.#jobs.get(jobId) ?? (await (this.#loading.get(jobId) ?? this.#load(jobId, spec)));
    if (executor instanceof TaskError) throw executor;
    if (task.kind === "reduce") return executor.runReduce(task);
    if (!shard) throw new TaskError({ kind: "internal", message: `map task of job ${jobId} came without its shard` });
    return executor.runMap(task, this.#decode(shard));
  }

  /** Whether the shard `hash` is kept decoded here, so a task may name it without its bytes. */
  holds(hash: string): boolean {
    return this.#series.has(hash);
  }

  forget(jobId: string): void {
    const job = this.#jobs.get(jobId);
    if (job instanceof TaskExecutor) job.dispose();
    this.#jobs.delete(jobId);
    this.#loading.delete(jobId);
  }

  dispose(): void {
    for (const jobId of [...this.#jobs.keys()]) this.forget(jobId);
    this.#series.clear();
  }

  #load(jobId: string, spec: JobSpec | undefined): Promise<TaskExecutor | TaskError> {
    if (!spec) return Promise.reject(new TaskError({ kind: "internal", message: `job ${jobId} is not loaded` }));
    const loading = this.#compile(spec).then((job) => {
      if (this.#loading.get(jobId) === loading) {
        this.#loading.delete(jobId);
        this.#jobs.set(jobId, job);
      }
      return job;
    });
    this.#loading.set(jobId, loading);
    return loading;
  }

  async #compile(spec: JobSpec): Promise<TaskExecutor | TaskError> {
    try {
      const engine = await prepareEngine(spec.engine, this.#engineOptions).catch((error: Error) => {
        throw new TaskError({ kind: "internal", message: `the ${spec.engine} Lua engine did not load: ${error.message}` });
      });
      return new TaskExecutor(engine, spec, []);
    } catch (error) {
      return TaskError.from(error);
    }
  }

  #decode(shard: { hash: string; bytes?: Uint8Array | undefined }): Series {
    let series = this.#series.get(shard.hash);
    if (series) {
      this.#series.delete(shard.hash);
    } else {
      if (!shard.bytes) throw new TaskError({ kind: "internal", message: `shard ${shard.hash.slice(0, 12)}… came without its bytes and is not held` });
      try {
        series = decodeShard(shard.bytes);
      } catch (error) {
        throw new TaskError({ kind: "internal", message: `shard ${shard.hash.slice(0, 12)}…: ${(error as Error).message}` });
      }
    }
    this.#series.set(shard.hash, series);
    if (this.#series.size > SERIES_KEPT) this.#series.delete(this.#series.keys().next().value!);
    return series;
  }
}
