import type { JobId, JobSpec, ShardHash, TaskId } from "@shoal/protocol";
import { asTaskId } from "@shoal/protocol";
import type { SeriesOutline } from "./planMapTasks.ts";
import { planMapTasks } from "./planMapTasks.ts";
import { reduceGroups } from "./reduceGroups.ts";
import type { TaskGraph, TaskInput, TaskNode } from "./TaskGraph.ts";

/** A series as the planner sees it: its key, timestamps and the hash of the shard that holds it. */
export interface PlannedSeries extends SeriesOutline {
  shard: ShardHash;
}

/** Id of a job's `index`-th map task in plan order. */
export const mapTaskId = (job: JobId, index: number): TaskId => asTaskId(`${job}/map/${index}`);

/** Id of the reduce task at `level`, `group` of a job's reduce tree. */
export const reduceTaskId = (job: JobId, level: number, group: number): TaskId => asTaskId(`${job}/reduce/${level}/${group}`);

/**
 * Plans a map/reduce job as a task graph: the map tasks of {@link planMapTasks}, then — when the
 * script defines `reduce` — a tree of fan-in `spec.reduceFanIn` over the map outputs in order,
 * folding exactly as `shoal run` does (same levels, groups and so seeds). Without `reduce` the
 * result is the list of all map outputs in plan order.
 */
export function planJob(job: JobId, spec: JobSpec, series: readonly PlannedSeries[], hasReduce: boolean): TaskGraph {
  const shards = new Map(series.map((s) => [s.key, s.shard]));
  const tasks: TaskNode[] = planMapTasks(series, spec).map((work, index) => ({
    id: mapTaskId(job, index),
    work,
    inputs: [],
    shard: shards.get(work.slice.key) as ShardHash,
  }));
  let values: TaskInput[] = tasks.flatMap((task) =>
    task.work.kind === "map" ? task.work.points.map((_, i) => ({ task: task.id, from: i, to: i + 1 })) : [],
  );
  if (!hasReduce) return { tasks, result: { inputs: merge(values), shape: "list" } };
  let level = 0;
  do {
    const groups = values.length === 0 ? [{ from: 0, to: 0 }] : reduceGroups(values.length, spec.reduceFanIn);
    const current = values;
    values = groups.map(({ from, to }, group) => {
      const id = reduceTaskId(job, level, group);
      tasks.push({ id, work: { kind: "reduce", level, group }, inputs: merge(current.slice(from, to)) });
      return { task: id, from: 0, to: 1 };
    });
    level++;
  } while (values.length > 1);
  return { tasks, result: { inputs: values, shape: "value" } };
}

/** Joins adjacent runs of the same task so a reduce reads each map task once. */
function merge(inputs: readonly TaskInput[]): TaskInput[] {
  const merged: TaskInput[] = [];
  for (const input of inputs) {
    const last = merged.at(-1);
    if (last && last.task === input.task && last.to === input.from) last.to = input.to;
    else merged.push({ ...input });
  }
  return merged;
}
