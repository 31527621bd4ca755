import { describe, expect, it } from "vitest";
import type { Json, MapTaskSpec } from "@shoal/protocol";
import { asTaskId, parseJobSpec } from "@shoal/protocol";
import { planJob } from "./planJob.ts";
import { planMapTasks } from "./planMapTasks.ts";
import { reduceGroups } from "./reduceGroups.ts";
import type { TaskGraph } from "./TaskGraph.ts";
import { checkTaskGraph } from "./TaskGraph.ts";
import { execute, jobId, reference, series } from "./test/fixtures.ts";

const id = jobId("j");

describe("planJob", () => {
  it("lists map outputs in plan order when there is no reduce", () => {
    const spec = parseJobSpec({ script: "", params: { a: [1, 2, 3] }, batchSize: 2 });
    const graph = planJob(id, spec, [series("b", 5), series("a", 5)], false);
    expect(graph.tasks.map((t) => [t.id, t.work.kind, t.shard?.slice(0, 2), t.inputs.length])).toEqual([
      ["j/map/0", "map", "61", 0],
      ["j/map/1", "map", "61", 0],
      ["j/map/2", "map", "62", 0],
      ["j/map/3", "map", "62", 0],
    ]);
    expect(graph.result).toEqual({
      shape: "list",
      inputs: [
        { task: "j/map/0", from: 0, to: 2 },
        { task: "j/map/1", from: 0, to: 1 },
        { task: "j/map/2", from: 0, to: 2 },
        { task: "j/map/3", from: 0, to: 1 },
      ],
    });
  });

  it.each([
    // outputs, fan-in, reduce tasks per level
    { outputs: 1, fanIn: 2, levels: [1] },
    { outputs: 2, fanIn: 2, levels: [1] },
    { outputs: 5, fanIn: 2, levels: [3, 2, 1] },
    { outputs: 16, fanIn: 4, levels: [4, 1] },
    { outputs: 17, fanIn: 4, levels: [5, 2, 1] },
  ])("builds a reduce tree over $outputs outputs with fan-in $fanIn", ({ outputs, fanIn, levels }) => {
    const spec = parseJobSpec({ script: "", params: { a: Array.from({ length: outputs }, (_, i) => i) }, batchSize: 3, reduceFanIn: fanIn });
    const graph = planJob(id, spec, [series("x", 10)], true);
    const reduces = graph.tasks.filter((t) => t.work.kind === "reduce");
    const perLevel = levels.map((_, level) => reduces.filter((t) => t.work.kind === "reduce" && t.work.level === level).length);
    expect(perLevel).toEqual(levels);
    expect(graph.result).toEqual({ shape: "value", inputs: [{ task: reduces.at(-1)?.id, from: 0, to: 1 }] });
    expect(() => checkTaskGraph(graph)).not.toThrow();
  });

  it("splits a reduce group across map tasks where the flat outputs do", () => {
    const spec = parseJobSpec({ script: "", params: { a: [1, 2, 3, 4, 5] }, batchSize: 2, reduceFanIn: 3 });
    const graph = planJob(id, spec, [series("x", 10)], true);
    expect(graph.tasks.filter((t) => t.work.kind === "reduce").map((t) => t.inputs)).toEqual([
      [
        { task: "j/map/0", from: 0, to: 2 },
        { task: "j/map/1", from: 0, to: 1 },
      ],
      [
        { task: "j/map/1", from: 1, to: 2 },
        { task: "j/map/2", from: 0, to: 1 },
      ],
      [
        { task: "j/reduce/0/0", from: 0, to: 1 },
        { task: "j/reduce/0/1", from: 0, to: 1 },
      ],
    ]);
  });

  it("reduces an empty dataset once over no values, as shoal run does", () => {
    const graph = planJob(id, parseJobSpec({ script: "" }), [], true);
    expect(graph.tasks).toEqual([{ id: "j/reduce/0/0", work: { kind: "reduce", level: 0, group: 0 }, inputs: [] }]);
  });

  it("folds exactly like shoal run's level-by-level reduce over the flat map outputs", () => {
    const spec = parseJobSpec({
      script: "",
      params: { fast: [5, 10, 20, 50], slow: [50, 100, 150, 200] },
      split: { kind: "rows", rows: 500 },
      halo: 250,
      batchSize: 3,
      reduceFanIn: 4,
    });
    const data = [series("spx", 5104), series("ndx", 1200)];
    expect(reference({ id, graph: planJob(id, spec, data, true) })).toEqual(runJobFold(planMapTasks(data, spec), spec.reduceFanIn));
  });
});

/** The fold of packages/worker's runJob, written out independently of the graph. */
function runJobFold(tasks: MapTaskSpec[], fanIn: number): Json {
  let values: Json[] = tasks.flatMap((task) => {
    const result = execute(task);
    return "outputs" in result ? result.outputs : [];
  });
  let level = 0;
  do {
    const groups = values.length === 0 ? [{ from: 0, to: 0 }] : reduceGroups(values.length, fanIn);
    const current = values;
    values = groups.map(({ from, to }, group) => {
      const result = execute({ kind: "reduce", level, group, values: current.slice(from, to) });
      return "output" in result ? result.output : null;
    });
    level++;
  } while (values.length > 1);
  return values[0] ?? null;
}

describe("checkTaskGraph", () => {
  const t = asTaskId;
  const map = (name: string) => ({ id: t(name), work: { kind: "map" as const, slice: { key: "k", haloStart: 0, start: 0, end: 1 }, points: [{ index: 0, p: {} }] }, inputs: [] });
  const reduce = (name: string, ...inputs: string[]) => ({
    id: t(name),
    work: { kind: "reduce" as const, level: 0, group: 0 },
    inputs: inputs.map((task) => ({ task: t(task), from: 0, to: 1 })),
  });
  const value = (task: string) => ({ shape: "value" as const, inputs: [{ task: t(task), from: 0, to: 1 }] });

  it.each<[string, TaskGraph, RegExp | null]>([
    ["a diamond", { tasks: [map("a"), reduce("b", "a"), reduce("c", "a"), reduce("d", "b", "c")], result: value("d") }, null],
    ["a duplicate id", { tasks: [map("a"), map("a")], result: value("a") }, /appears twice/],
    ["an unknown input", { tasks: [map("a"), reduce("b", "z")], result: value("b") }, /unknown task z/],
    ["an input range past the outputs", { tasks: [map("a"), { ...reduce("b"), inputs: [{ task: t("a"), from: 0, to: 2 }] }], result: value("b") }, /has 1/],
    ["a cycle", { tasks: [reduce("a", "b"), reduce("b", "a")], result: value("a") }, /cycle/],
    ["a value result of two outputs", { tasks: [map("a"), map("b")], result: { shape: "value", inputs: [...value("a").inputs, ...value("b").inputs] } }, /exactly one/],
    ["a map task with inputs", { tasks: [map("a"), { ...map("b"), inputs: [{ task: t("a"), from: 0, to: 1 }] }], result: value("b") }, /has inputs/],
  ])("%s", (_, graph, error) => {
    if (error) expect(() => checkTaskGraph(graph)).toThrow(error);
    else expect(() => checkTaskGraph(graph)).not.toThrow();
  });
});
