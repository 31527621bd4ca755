import type { JobId, Json, JobSpecInput, PeerId, ShardHash } from "@shoal/protocol";
import { asJobId, asPeerId, asShardHash, parseJobSpec } from "@shoal/protocol";
import type { JobScheduler } from "../JobScheduler.ts";
import type { PlannedSeries } from "../planJob.ts";
import { planJob } from "../planJob.ts";
import type { Assignment, JobSubmission, TaskPayload, TaskResult } from "../types.ts";

export const DAY = 86_400_000;
export const jobId = (name: string): JobId => asJobId(name);
export const peerId = (name: string): PeerId => asPeerId(name);

/** A valid-looking shard hash derived from a name. */
export function shardOf(name: string): ShardHash {
  const hex = [...name].map((c) => c.charCodeAt(0).toString(16)).join("");
  return asShardHash(hex.padEnd(64, "0").slice(0, 64));
}

/** A daily series of `rows` rows whose shard hash derives from its key. */
export function series(key: string, rows: number): PlannedSeries {
  return { key, time: Float64Array.from({ length: rows }, (_, i) => i * DAY), shard: shardOf(key) };
}

/** A planned map/reduce job ready to submit. */
export function job(
  name: string,
  data: readonly PlannedSeries[],
  spec: Partial<JobSpecInput> = {},
  options: Omit<JobSubmission, "id" | "graph"> & { hasReduce?: boolean } = {},
): JobSubmission {
  const { hasReduce = true, ...rest } = options;
  const id = jobId(name);
  return { id, graph: planJob(id, parseJobSpec({ script: "", ...spec }), data, hasReduce), ...rest };
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Stands in for Lua: map gives one number per point from the slice and point; reduce adds counts and totals. */
export function execute(task: TaskPayload): TaskResult {
  if (task.kind === "map") {
    const { key, start, end } = task.slice;
    return { outputs: task.points.map(({ index }) => ({ key, start, point: index, v: hash(`${key}:${start}:${end}:${index}`) % 1000 })) };
  }
  let n = 0;
  let total = 0;
  for (const value of task.values) {
    const v = value as { n?: number; total?: number; v?: number };
    n += v.n ?? 1;
    total += v.total ?? v.v ?? 0;
  }
  return { output: { n, total, level: task.level } };
}

/** A wrong answer of the right shape. */
export function lie(task: TaskPayload): TaskResult {
  const honest = execute(task);
  return "outputs" in honest ? { outputs: honest.outputs.map(() => -1) } : { output: -1 };
}

/** What one machine would compute: the map outputs in order, folded as `shoal run` folds them. */
export function reference(submission: JobSubmission): Json {
  const values = new Map<string, Json[]>();
  for (const t of submission.graph.tasks) {
    const inputs = t.inputs.flatMap((i) => values.get(i.task)?.slice(i.from, i.to) ?? []);
    const task: TaskPayload = t.work.kind === "map" ? t.work : { ...t.work, values: inputs };
    const result = execute(task);
    values.set(t.id, "outputs" in result ? result.outputs : [result.output]);
  }
  const out = submission.graph.result.inputs.flatMap((i) => values.get(i.task)?.slice(i.from, i.to) ?? []);
  return submission.graph.result.shape === "list" ? out : (out[0] ?? null);
}

/** Runs every assignment honestly and reports it, returning the outcomes. */
export function runAll(scheduler: JobScheduler, peer: PeerId, assignments: readonly Assignment[], now: number) {
  return assignments.map((a) => scheduler.submitResult(peer, a.taskId, a.attempt, execute(a.task), now));
}
