import { copyJson as copy } from "./copyJson.ts";
import { copyTaskNode } from "./copyTask.ts";
import type { SchedulerOptions } from "./SchedulerOptions.ts";
import type { TaskNode } from "./TaskGraph.ts";
import type { JobState, TaskState } from "./SchedulerState.ts";
import type { JobSubmission } from "./types.ts";

/** The initial state of a submitted job, its settings filled from the scheduler's options and checked. */
export function createJobState(job: JobSubmission, options: SchedulerOptions): JobState {
  const replicas = job.replicas ?? options.replicas;
  const quorum = job.quorum ?? options.quorum;
  const replicaCap = job.replicaCap ?? options.replicaCap ?? replicas + 2;
  const weight = job.weight ?? 1;
  const leaseMs = job.leaseMs ?? options.leaseMs;
  if (!(Number.isInteger(quorum) && quorum >= 1 && Number.isInteger(replicas) && quorum <= replicas && replicas <= replicaCap)) {
    throw new RangeError(`need integers 1 ≤ quorum (${quorum}) ≤ replicas (${replicas}) ≤ replica cap (${replicaCap})`);
  }
  if (!(weight > 0 && leaseMs > 0)) throw new RangeError(`weight (${weight}) and lease time (${leaseMs}) must be positive`);
  return {
    id: job.id,
    status: "running",
    replicas,
    quorum,
    replicaCap,
    weight,
    leaseMs,
    ...(job.engine === undefined ? {} : { engine: job.engine }),
    ...(job.resultBytes === undefined ? {} : { resultBytes: job.resultBytes }),
    result: copy(job.graph.result),
    tasks: job.graph.tasks.map((node) => pendingTask(copyTaskNode(node))),
    durations: [],
    accepted: 0,
    rejected: 0,
    peers: {},
  };
}

function pendingTask(node: TaskNode): TaskState {
  const reused = node.memoOutput !== undefined;
  return {
    id: node.id,
    work: node.work,
    inputs: node.inputs,
    shard: node.shard,
    memo: node.memo,
    status: reused ? "done" : "pending",
    attempts: [],
    failures: 0,
    results: [],
    errors: [],
    output: node.memoOutput,
    reused: reused ? true : undefined,
  };
}

/**
 * A task's state as an object of one fixed shape, optional fields present as undefined (JSON
 * leaves them out). Objects built by spreading nodes with and without a shard, then given
 * `output` when done, took a new hidden class per step: completing a task cost ~9 us.
 */
export function taskState(t: TaskState): TaskState {
  return {
    id: t.id,
    work: t.work,
    inputs: t.inputs,
    shard: t.shard,
    memo: t.memo,
    status: t.status,
    attempts: t.attempts,
    failures: t.failures,
    results: t.results,
    errors: t.errors,
    output: t.output,
    reused: t.reused,
  };
}
