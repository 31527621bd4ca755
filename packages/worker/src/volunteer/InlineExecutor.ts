import type { MapTaskResult } from "@shoal/protocol";
import { ExecutorCache } from "../executor/ExecutorCache.ts";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import { TaskError } from "../executor/TaskError.ts";
import type { TaskCancel, TaskRequest, VolunteerExecutor } from "./VolunteerExecutor.ts";

/**
 * Runs a volunteer's tasks one at a time on the calling thread. For tests and tiny setups:
 * a running task cannot be interrupted, only one that has not started yet.
 */
export class InlineExecutor implements VolunteerExecutor {
  readonly #cache: ExecutorCache;
  #queue: Promise<unknown> = Promise.resolve();

  constructor() {
    this.#cache = new ExecutorCache();
  }

  run(request: TaskRequest, cancel?: TaskCancel): Promise<MapTaskResult | ReduceTaskResult> {
    const result = this.#queue.then(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (cancel?.cancelled) throw new TaskError({ kind: "internal", message: "task cancelled" });
      return this.#cache.run(request.jobId, request.spec, request.task, request.shard);
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  forgetJob(jobId: string): void {
    this.#cache.forget(jobId);
  }

  async close(): Promise<void> {
    this.#cache.dispose();
  }
}
