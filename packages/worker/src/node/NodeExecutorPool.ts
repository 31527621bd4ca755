import type { TaskCancel, TaskRequest, VolunteerExecutor } from "../volunteer/VolunteerExecutor.ts";
import type { NodeExecutorPoolOptions, Result } from "./NodeThreadPool.ts";
import { cancelled, NodeThreadPool } from "./NodeThreadPool.ts";

export type { NodeExecutorPoolOptions } from "./NodeThreadPool.ts";

/**
 * A volunteer's executor in Node (`shoal worker`): tasks of any number of jobs, as the volunteer
 * receives them, on a {@link NodeThreadPool}; the threads start on first use or on `prepare`.
 * `shoal run`'s one preloaded job runs on {@link NodeJobPool} instead.
 */
export class NodeExecutorPool implements VolunteerExecutor {
  readonly #threads: NodeThreadPool;

  constructor(options: NodeExecutorPoolOptions) {
    this.#threads = new NodeThreadPool(options);
  }

  /** Starts the threads now rather than on first use, so they load (and, with `warmUp`, warm up) before tasks come. */
  prepare(): void {
    this.#threads.start();
  }

  /** Runs a volunteer's task; the threads start on first use. Aborting stops the task, terminating its thread if it is running. */
  run(request: TaskRequest, cancel?: TaskCancel): Promise<Result> {
    if (cancel?.cancelled) return Promise.reject(cancelled());
    this.#threads.start();
    const promise = this.#threads.submit(request.task, request);
    if (cancel) {
      cancel.onCancel(() => this.#threads.abort(promise));
      const done = () => cancel.onCancel(undefined);
      promise.then(done, done);
    }
    return promise;
  }

  forgetJob(jobId: string): void {
    this.#threads.forgetJob(jobId);
  }

  close(): Promise<void> {
    return this.#threads.close();
  }
}
