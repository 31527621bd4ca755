import type { Json, MapTaskSpec, ReduceTaskSpec, ShardHash, TaskId } from "@shoal/protocol";

/** A run of another task's outputs, `from` inclusive to `to` exclusive, that feeds a task. */
export interface TaskInput {
  task: TaskId;
  from: number;
  to: number;
}

/** What a task computes: a map call over a slice, or a reduce whose values are its inputs' outputs. */
export type TaskWork = MapTaskSpec | Omit<ReduceTaskSpec, "values">;

/**
 * One node of a job's DAG. A map node reads its shard and has no inputs; a reduce node folds the
 * concatenation of its inputs in order. A map node gives one output per point, a reduce node one.
 */
export interface TaskNode {
  id: TaskId;
  work: TaskWork;
  inputs: TaskInput[];
  shard?: ShardHash;
  /** The key its verified outputs are memoized under, for a later job over a newer dataset version. */
  memo?: string;
  /** Outputs an earlier job already verified for the same inputs: the task starts done and never runs. */
  memoOutput?: Json[];
}

/** The job's final value: the concatenated inputs as a list, or the single value they hold. */
export interface ResultSpec {
  inputs: TaskInput[];
  shape: "list" | "value";
}

/** A job as the scheduler runs it: tasks in plan order and where its result comes from. */
export interface TaskGraph {
  tasks: TaskNode[];
  result: ResultSpec;
}

/** Thrown when a submitted graph refers to unknown tasks, reads outputs a task does not have, or has a cycle. */
export class TaskGraphError extends Error {
  override readonly name = "TaskGraphError";
}

/** Number of outputs a task gives back. */
export function outputCount(work: TaskWork): number {
  return work.kind === "map" ? work.points.length : 1;
}

/** Checks a graph's ids, input ranges and acyclicity; throws {@link TaskGraphError} on the first problem. */
export function checkTaskGraph(graph: TaskGraph): void {
  const byId = new Map<TaskId, TaskNode>();
  for (const node of graph.tasks) {
    if (byId.has(node.id)) throw new TaskGraphError(`task ${node.id} appears twice`);
    if (node.work.kind === "reduce" && node.shard !== undefined) throw new TaskGraphError(`reduce task ${node.id} has a shard`);
    if (node.work.kind === "map" && node.inputs.length > 0) throw new TaskGraphError(`map task ${node.id} has inputs`);
    if (node.memoOutput !== undefined && node.memoOutput.length !== outputCount(node.work)) {
      throw new TaskGraphError(`task ${node.id} reuses ${node.memoOutput.length} outputs, but gives ${outputCount(node.work)}`);
    }
    byId.set(node.id, node);
  }
  const check = (input: TaskInput, owner: string) => {
    const source = byId.get(input.task);
    if (!source) throw new TaskGraphError(`${owner} reads unknown task ${input.task}`);
    const count = outputCount(source.work);
    if (!(Number.isInteger(input.from) && Number.isInteger(input.to) && input.from >= 0 && input.from <= input.to && input.to <= count)) {
      throw new TaskGraphError(`${owner} reads outputs [${input.from}, ${input.to}) of ${input.task}, which has ${count}`);
    }
  };
  for (const node of graph.tasks) for (const input of node.inputs) check(input, `task ${node.id}`);
  for (const input of graph.result.inputs) check(input, "the job result");
  if (graph.result.shape === "value" && graph.result.inputs.reduce((n, i) => n + i.to - i.from, 0) !== 1) {
    throw new TaskGraphError("a job result of shape value must read exactly one output");
  }
  checkAcyclic(graph.tasks);
}

function checkAcyclic(tasks: readonly TaskNode[]): void {
  const indegree = new Map<TaskId, number>();
  const dependents = new Map<TaskId, TaskId[]>();
  for (const node of tasks) {
    indegree.set(node.id, node.inputs.length);
    for (const input of node.inputs) {
      const list = dependents.get(input.task);
      if (list) list.push(node.id);
      else dependents.set(input.task, [node.id]);
    }
  }
  const ready = tasks.filter((node) => node.inputs.length === 0).map((node) => node.id);
  let seen = 0;
  while (ready.length > 0) {
    const id = ready.pop() as TaskId;
    seen++;
    for (const next of dependents.get(id) ?? []) {
      const left = (indegree.get(next) ?? 0) - 1;
      indegree.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (seen !== tasks.length) throw new TaskGraphError("the task graph has a cycle");
}
