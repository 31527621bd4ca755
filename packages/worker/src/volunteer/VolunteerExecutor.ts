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
 * Runs tasks of any number of jobs for a volunteer: the Node thread pool, a browser Web Worker
 * pool, or in-process for tests. Rejects with a TaskError; an aborted task rejects too, and the
 * volunteer reports nothing for it.
 */
export interface VolunteerExecutor {
  run(request: TaskRequest, signal?: AbortSignal): Promise<MapTaskResult | ReduceTaskResult>;
  /** Releases what the executor holds for a job the volunteer no longer expects tasks of. */
  forgetJob(jobId: string): void;
  close(): Promise<void>;
}
