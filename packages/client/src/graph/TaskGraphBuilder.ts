import type { IndexedPoint, ParamPoint, TaskId } from "@shoal/protocol";
import { asTaskId } from "@shoal/protocol";
import type { TaskInput } from "@shoal/scheduler";
import { checkTaskGraph } from "@shoal/scheduler";
import type { GraphSpec, GraphTask } from "./GraphRequest.ts";

/** Outputs `[from, to)` of a task, as an input of another task or of the result. */
export class OutputRange {
  readonly task: TaskId;
  readonly from: number;
  readonly to: number;

  constructor(task: TaskId, from: number, to: number) {
    this.task = task;
    this.from = from;
    this.to = to;
  }
}

/** A task in a graph being built: its id and how many outputs it gives (one per point for a map, one for a reduce). */
export class TaskRef extends OutputRange {
  /** Some of this task's outputs. */
  slice(from: number, to: number): OutputRange {
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= this.to)) {
      throw new RangeError(`task ${this.task} has outputs [0, ${this.to}), not [${from}, ${to})`);
    }
    return new OutputRange(this.task, from, to);
  }
}

/** Which rows of which series a map task reads: owned rows `[start, end)` after up to `halo` rows of history. */
export interface MapNodeOptions {
  key: string;
  start: number;
  end: number;
  halo?: number;
  /** Parameter points, one output each; plain points are numbered by position (the index seeds `math.random`). */
  points: ReadonlyArray<ParamPoint | IndexedPoint>;
}

/**
 * Builds a general task graph: map tasks over series slices, and reduce tasks whose inputs are
 * other tasks' outputs, in any DAG shape. A reduce folds the concatenation of its inputs with the
 * script's `reduce`. Map/reduce jobs are one shape of it (see mapReduceGraph).
 */
export class TaskGraphBuilder {
  readonly #tasks: GraphTask[] = [];
  readonly #groups = new Map<number, number>();
  readonly #levels = new Map<TaskId, number>();
  readonly #outputs = new Map<TaskId, number>();

  map(options: MapNodeOptions): TaskRef {
    const { key, start, end, halo = 0 } = options;
    if (!(Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(halo) && 0 <= start && start <= end && halo >= 0)) {
      throw new RangeError(`bad slice rows [${start}, ${end}) with halo ${halo}`);
    }
    const points = options.points.map((point, index): IndexedPoint => (isIndexed(point) ? point : { index, p: point }));
    const id = asTaskId(`map/${this.#tasks.length}`);
    this.#tasks.push({ id, work: { kind: "map", slice: { key, haloStart: Math.max(0, start - halo), start, end }, points }, inputs: [] });
    this.#levels.set(id, -1);
    this.#outputs.set(id, points.length);
    return new TaskRef(id, 0, points.length);
  }

  /** A reduce over the given outputs, in order; `level` and `group` (which seed its `math.random`) default to its depth and a counter. */
  reduce(inputs: readonly OutputRange[], options: { level?: number; group?: number } = {}): TaskRef {
    for (const { task, from, to } of inputs) {
      const outputs = this.#outputs.get(task);
      if (outputs === undefined) throw new RangeError(`unknown task ${task}`);
      if (to > outputs) throw new RangeError(`task ${task} has outputs [0, ${outputs}), not [${from}, ${to})`);
    }
    const level = options.level ?? Math.max(-1, ...inputs.map((input) => this.#levels.get(input.task)!)) + 1;
    const group = options.group ?? this.#groups.get(level) ?? 0;
    this.#groups.set(level, Math.max(group, this.#groups.get(level) ?? 0) + 1);
    const id = asTaskId(`reduce/${this.#tasks.length}`);
    this.#tasks.push({ id, work: { kind: "reduce", level, group }, inputs: inputs.map(toInput) });
    this.#levels.set(id, level);
    this.#outputs.set(id, 1);
    return new TaskRef(id, 0, 1);
  }

  /** The finished graph: the result is one reduce's output, or the listed outputs concatenated. */
  build(result: TaskRef | readonly OutputRange[]): GraphSpec {
    const graph: GraphSpec = {
      tasks: this.#tasks.map((task) => structuredClone(task)),
      result: result instanceof TaskRef ? { inputs: [toInput(result)], shape: result.to === 1 && this.#isReduce(result) ? "value" : "list" } : { inputs: result.map(toInput), shape: "list" },
    };
    checkTaskGraph({ tasks: graph.tasks, result: graph.result });
    return graph;
  }

  #isReduce(ref: TaskRef): boolean {
    return this.#tasks.find((task) => task.id === ref.task)?.work.kind === "reduce";
  }
}

function toInput(range: OutputRange): TaskInput {
  return { task: range.task, from: range.from, to: range.to };
}

function isIndexed(point: ParamPoint | IndexedPoint): point is IndexedPoint {
  return typeof point.index === "number" && typeof point.p === "object" && point.p !== null && Object.keys(point).length === 2;
}
