import type { Json, PartialResult } from "@shoal/protocol";
import type { JobState, TaskState } from "./SchedulerState.ts";

/**
 * What has arrived of a job's result so far. When the result reads map tasks directly (a job
 * without a reduce, such as a parameter sweep), the outputs of those done so far, in plan order, at
 * most `limit` of them; when it reads reduce tasks, the reduce cannot be applied to a subset here,
 * so the map outputs arrived so far instead, in plan order and bounded the same way, marked
 * `beforeReduce`. Always marked partial: the final result is not this.
 */
export function partialResult(state: JobState, limit: number): PartialResult {
  const maps = state.tasks.filter((t) => t.work.kind === "map");
  const answer: PartialResult = { partial: true, done: maps.filter((t) => t.status === "done").length, total: maps.length };
  const byId = new Map<string, TaskState>(state.tasks.map((t) => [t.id, t]));
  const sources = state.result.inputs.map((input) => ({ input, task: byId.get(input.task) }));
  const reduced = sources.some(({ task }) => task?.work.kind !== "map");
  const read = reduced ? maps.map((task) => ({ task, from: 0, to: undefined })) : sources.map(({ input, task }) => ({ task, from: input.from, to: input.to }));
  const base: PartialResult = reduced ? { ...answer, beforeReduce: true } : answer;
  const values: Json[] = [];
  for (const { task, from, to } of read) {
    if (task?.status !== "done" || !task.output) continue;
    for (const value of task.output.slice(from, to)) {
      if (values.length === limit) return { ...base, values, truncated: true };
      values.push(value);
    }
  }
  return { ...base, values };
}
