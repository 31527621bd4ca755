import type { JobSpec, MapTaskResult, MapTaskSpec, ReduceTaskSpec, ShardHash } from "@shoal/protocol";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";

/** One task to run for a volunteer: its job, and for a map task the shard it reads. */
export interface TaskRequest {
  jobId: string;
  spec: JobSpec;
  task: MapTaskSpec | ReduceTaskSpec;
  shard?: { hash: ShardHash; bytes: Uint8Array };
}

/**
 * Cancels one task. An AbortController per task (an EventTarget in Node, with listeners added and
 * removed) cost a short task more than its bookkeeping; this holds one listener, the executor's.
 */
export class TaskCancel {
  #cancelled = false;
  #listener: (() => void) | undefined;

  get cancelled(): boolean {
    return this.#cancelled;
  }

  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.();
  }

  /** Sets what cancelling does (the executor's one listener); runs it at once if already cancelled. */
  onCancel(listener: (() => void) | undefined): void {
    if (this.#cancelled) listener?.();
    else this.#listener = listener;
  }
}

/**
 * Runs tasks of any number of jobs for a volunteer: the Node thread pool, a browser Web Worker
 * pool, or in-process for tests. Rejects with a TaskError; a cancelled task rejects too, and the
 * volunteer reports nothing for it.
 */
export interface VolunteerExecutor {
  run(request: TaskRequest, cancel?: TaskCancel): Promise<MapTaskResult | ReduceTaskResult>;
  /** Releases what the executor holds for a job the volunteer no longer expects tasks of. */
  forgetJob(jobId: string): void;
  close(): Promise<void>;
}
