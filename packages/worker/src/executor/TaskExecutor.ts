import type { Json, JobSpec, MapTaskResult, MapTaskSpec, ReduceTaskSpec } from "@shoal/protocol";
import { mapSeed, reduceSeed } from "@shoal/protocol";
import type { LuaEngine, LuaJob } from "@shoal/lua";
import type { Series } from "@shoal/timeseries";
import { sliceSeries } from "@shoal/timeseries";
import { TaskError } from "./TaskError.ts";

/** Lines of `print` output kept per task, across all of its calls. */
const MAX_TASK_LOG_LINES = 1000;

/** What a reduce task gives back. */
export interface ReduceTaskResult {
  output: Json;
  log: string[];
  instructions: number;
}

/**
 * Runs one job's tasks against series it holds, on one Lua engine. The compiled job is
 * loaded once and reused; each call runs in a fresh environment, so results do not depend
 * on which tasks ran before. Every executor — `shoal run`'s threads, Node and browser
 * volunteers — goes through this class, which is why they all give the same answers.
 */
export class TaskExecutor {
  readonly #job: LuaJob;
  readonly #spec: JobSpec;
  readonly #series = new Map<string, Series>();

  constructor(engine: LuaEngine, spec: JobSpec, series: Iterable<Series>) {
    this.#spec = spec;
    for (const s of series) this.#series.set(s.key, s);
    try {
      this.#job = engine.load({ source: spec.script, budget: spec.budget === "off" ? Infinity : spec.budget, maxResultBytes: spec.resultBytes });
    } catch (error) {
      throw TaskError.from(error);
    }
  }

  get hasReduce(): boolean {
    return this.#job.hasReduce;
  }

  /** Runs a map task over `series`, or over the loaded series of the task's key when none is given. */
  runMap(task: MapTaskSpec, series: Series | undefined = this.#series.get(task.slice.key)): MapTaskResult {
    if (!series) throw new TaskError({ kind: "internal", message: `series "${task.slice.key}" is not loaded` });
    if (series.key !== task.slice.key) throw new TaskError({ kind: "internal", message: `task reads series "${task.slice.key}", not "${series.key}"` });
    const input = sliceSeries(series, task.slice);
    const outputs: Json[] = [];
    const log = new TaskLog();
    let instructions = 0;
    for (const { index, p } of task.points) {
      try {
        const call = this.#job.map(input, p, mapSeed(this.#spec.seed, task.slice, index));
        outputs.push(call.value);
        log.add(call.log);
        instructions += call.instructions;
      } catch (error) {
        const failed = TaskError.from(error);
        log.add(failed.log ?? []);
        throw new TaskError({ ...failed.toData(), log: log.lines });
      }
    }
    return { outputs, log: log.lines, instructions };
  }

  runReduce(task: ReduceTaskSpec): ReduceTaskResult {
    try {
      const call = this.#job.reduce(task.values, reduceSeed(this.#spec.seed, task.level, task.group));
      return { output: call.value, log: call.log, instructions: call.instructions };
    } catch (error) {
      throw TaskError.from(error);
    }
  }

  dispose(): void {
    this.#job.dispose();
  }
}

class TaskLog {
  readonly lines: string[] = [];

  add(lines: readonly string[]): void {
    for (const line of lines) {
      if (this.lines.length === MAX_TASK_LOG_LINES) {
        this.lines.push("... task log truncated");
        return;
      }
      if (this.lines.length > MAX_TASK_LOG_LINES) return;
      this.lines.push(line);
    }
  }
}
