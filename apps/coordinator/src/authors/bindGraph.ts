import type { JobId, ShardHash, TaskId } from "@shoal/protocol";
import { asTaskId } from "@shoal/protocol";
import type { TaskGraph, TaskInput } from "@shoal/scheduler";
import { checkTaskGraph, TaskGraphError } from "@shoal/scheduler";
import type { SeriesRecord } from "../store/Store.ts";
import type { ParsedGraphRequest } from "./parseGraphRequest.ts";
import { JobRequestError } from "./JobRequestError.ts";

/**
 * Turns a submitted graph into the job's task graph: checks its references, ranges and acyclicity
 * (messages name the submitted ids), gives each map task the shard of its series after checking
 * its rows exist, and prefixes every task id with the job id as planJob does.
 */
export function bindGraph(job: JobId, request: Pick<ParsedGraphRequest, "tasks" | "result">, series: readonly SeriesRecord[]): TaskGraph {
  try {
    checkTaskGraph({ tasks: request.tasks, result: request.result });
  } catch (error) {
    if (error instanceof TaskGraphError) throw new JobRequestError(error.message);
    throw error;
  }
  const byKey = new Map(series.map((s) => [s.key, s]));
  const id = (task: TaskId): TaskId => asTaskId(`${job}/${task}`);
  const inputs = (list: readonly TaskInput[]): TaskInput[] => list.map((input) => ({ ...input, task: id(input.task) }));
  const tasks = request.tasks.map((task) => {
    if (task.work.kind === "reduce") return { id: id(task.id), work: task.work, inputs: inputs(task.inputs) };
    const { key, end } = task.work.slice;
    const s = byKey.get(key);
    if (!s) throw new JobRequestError(`task ${task.id} reads series ${JSON.stringify(key)}, which the dataset does not have`);
    if (end > s.rows) throw new JobRequestError(`task ${task.id} reads rows up to ${end} of series ${JSON.stringify(key)}, which has ${s.rows}`);
    return { id: id(task.id), work: task.work, inputs: [], shard: s.shard as ShardHash };
  });
  return { tasks, result: { inputs: inputs(request.result.inputs), shape: request.result.shape } };
}
