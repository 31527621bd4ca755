import type { Json, MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import { reduceGroups } from "@shoal/scheduler";
import type { ReduceTaskResult } from "./TaskExecutor.ts";

/** Anything that runs tasks: a thread pool, a single in-process executor, later the grid. */
export interface TaskRunner {
  runMap(task: MapTaskSpec): Promise<MapTaskResult>;
  runReduce(task: ReduceTaskSpec): Promise<ReduceTaskResult>;
}

export interface RunProgress {
  phase: "map" | "reduce";
  done: number;
  total: number;
}

export interface RunJobOptions {
  tasks: readonly MapTaskSpec[];
  hasReduce: boolean;
  fanIn: number;
  onProgress?: (progress: RunProgress) => void;
  /** Receives each task's `print` output as it arrives. */
  onLog?: (lines: readonly string[]) => void;
}

/**
 * Runs a planned job to its final value: all map tasks, then — when the script defines
 * `reduce` — a tree of reduce calls of bounded fan-in over the map outputs in order.
 * Without `reduce`, the value is the array of map outputs in task order.
 */
export async function runJob(runner: TaskRunner, options: RunJobOptions): Promise<Json> {
  const { tasks, onProgress, onLog } = options;
  let done = 0;
  onProgress?.({ phase: "map", done, total: tasks.length });
  const results = await Promise.all(
    tasks.map(async (task) => {
      const result = await runner.runMap(task);
      if (result.log.length > 0) onLog?.(result.log);
      onProgress?.({ phase: "map", done: ++done, total: tasks.length });
      return result.outputs;
    }),
  );
  const outputs = results.flat();
  if (!options.hasReduce) return outputs;
  return reduceTree(runner, outputs, options);
}

async function reduceTree(runner: TaskRunner, outputs: Json[], options: RunJobOptions): Promise<Json> {
  let values = outputs;
  let level = 0;
  do {
    const groups = values.length === 0 ? [{ from: 0, to: 0 }] : reduceGroups(values.length, options.fanIn);
    let done = 0;
    options.onProgress?.({ phase: "reduce", done, total: groups.length });
    const current = values;
    values = await Promise.all(
      groups.map(async ({ from, to }, group) => {
        const result = await runner.runReduce({ kind: "reduce", level, group, values: current.slice(from, to) });
        if (result.log.length > 0) options.onLog?.(result.log);
        options.onProgress?.({ phase: "reduce", done: ++done, total: groups.length });
        return result.output;
      }),
    );
    level++;
  } while (values.length > 1);
  return values[0] ?? null;
}
