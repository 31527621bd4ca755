import type { JobSpec, MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { TaskRunner } from "../executor/runJob.ts";
import type { NodeExecutorPoolOptions } from "./NodeThreadPool.ts";
import { NodeThreadPool, toShared } from "./NodeThreadPool.ts";

/**
 * `shoal run`'s executor: one job preloaded with all its series into every thread of a
 * {@link NodeThreadPool}, then its map and reduce tasks (a {@link TaskRunner} for `runJob`).
 */
export class NodeJobPool implements TaskRunner {
  readonly #options: NodeExecutorPoolOptions;
  #threads: NodeThreadPool | undefined;

  constructor(options: NodeExecutorPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError("threads must be a positive integer");
    this.#options = options;
  }

  /** Starts the threads and loads the job into each; rejects with the job's load error (say, a Lua error at top level). */
  async load(spec: JobSpec, shards: readonly Uint8Array[]): Promise<void> {
    this.#threads = new NodeThreadPool(this.#options, { type: "load", spec, shards: shards.map(toShared) });
    this.#threads.start();
    await this.#threads.ready();
  }

  runMap(task: MapTaskSpec): Promise<MapTaskResult> {
    if (!this.#threads) return notLoaded();
    return this.#threads.submit(task) as Promise<MapTaskResult>;
  }

  runReduce(task: ReduceTaskSpec): Promise<ReduceTaskResult> {
    if (!this.#threads) return notLoaded();
    return this.#threads.submit(task) as Promise<ReduceTaskResult>;
  }

  async close(): Promise<void> {
    await this.#threads?.close();
  }
}

function notLoaded<T>(): Promise<T> {
  return Promise.reject(new TaskError({ kind: "internal", message: "executor pool is not loaded" }));
}
