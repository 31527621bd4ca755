import { asJobId, asShardHash, parseJobSpec } from "@shoal/protocol";
import { planJob, TaskGraphError } from "@shoal/scheduler";
import { describe, expect, it } from "vitest";
import type { SeriesView } from "../types.ts";
import { mapReduceGraph } from "./mapReduceGraph.ts";
import { TaskGraphBuilder } from "./TaskGraphBuilder.ts";

describe("TaskGraphBuilder", () => {
  it("builds a DAG whose tasks read other tasks' outputs", () => {
    const g = new TaskGraphBuilder();
    const a = g.map({ key: "SPY", start: 0, end: 100, points: [{ w: 5 }, { w: 10 }] });
    const b = g.map({ key: "SPY", start: 100, end: 200, halo: 50, points: [{ w: 5 }, { w: 10 }] });
    const shortWindows = g.reduce([a.slice(0, 1), b.slice(0, 1)]);
    const longWindows = g.reduce([a.slice(1, 2), b.slice(1, 2)]);
    const both = g.reduce([shortWindows, longWindows]);
    const graph = g.build(both);
    expect(graph.tasks.map((t) => [t.id, t.work.kind, t.inputs.map((i) => `${i.task}[${i.from},${i.to})`)])).toEqual([
      ["map/0", "map", []],
      ["map/1", "map", []],
      ["reduce/2", "reduce", ["map/0[0,1)", "map/1[0,1)"]],
      ["reduce/3", "reduce", ["map/0[1,2)", "map/1[1,2)"]],
      ["reduce/4", "reduce", ["reduce/2[0,1)", "reduce/3[0,1)"]],
    ]);
    expect(graph.tasks[1]!.work).toMatchObject({ slice: { key: "SPY", haloStart: 50, start: 100, end: 200 }, points: [{ index: 0, p: { w: 5 } }, { index: 1 }] });
    expect(graph.tasks.slice(2).map((t) => t.work)).toEqual([
      { kind: "reduce", level: 0, group: 0 },
      { kind: "reduce", level: 0, group: 1 },
      { kind: "reduce", level: 1, group: 0 },
    ]);
    expect(graph.result).toEqual({ inputs: [{ task: "reduce/4", from: 0, to: 1 }], shape: "value" });
    expect(g.build([a, b.slice(1, 2)]).result).toEqual({ inputs: [{ task: "map/0", from: 0, to: 2 }, { task: "map/1", from: 1, to: 2 }], shape: "list" });
  });

  it("refuses ranges a task does not have, tasks it did not build, and bad rows", () => {
    const g = new TaskGraphBuilder();
    const a = g.map({ key: "X", start: 0, end: 10, points: [{}] });
    expect(() => a.slice(0, 2)).toThrow(RangeError);
    const other = new TaskGraphBuilder().map({ key: "X", start: 0, end: 10, points: [{}, {}, {}] });
    expect(() => g.reduce([a, other.slice(2, 3)])).toThrow(/has outputs \[0, 1\)/);
    expect(() => g.reduce([{ task: "map/7" as never, from: 0, to: 1 }])).toThrow(/unknown task/);
    expect(() => g.map({ key: "X", start: 5, end: 2, points: [] })).toThrow(RangeError);
    expect(() => g.build([{ task: a.task, from: 0, to: 3 }])).toThrow(TaskGraphError);
  });
});

describe("mapReduceGraph", () => {
  const series: SeriesView[] = [
    { key: "ZZZ", rows: 1234, from: 0, to: 1, shard: asShardHash("b".repeat(64)) },
    { key: "AAA", rows: 5104, from: 0, to: 1, shard: asShardHash("a".repeat(64)) },
  ];
  const outlines = series.map((s) => ({ key: s.key, time: Float64Array.from({ length: s.rows }, (_, i) => i * 86_400_000), shard: s.shard }));

  it.each([
    ["rows split with reduce", { split: { kind: "rows", rows: 500 }, halo: 250, batchSize: 3, reduceFanIn: 4 }, true],
    ["no split, without reduce", { batchSize: 5 }, false],
    ["rows split, a single reduce", { split: { kind: "rows", rows: 5000 } }, true],
  ] as const)("plans exactly what the coordinator plans: %s", (_, options, hasReduce) => {
    const spec = parseJobSpec({ script: "", params: { fast: [5, 10, 20, 50], slow: [50, 100, 150, 200] }, ...options });
    const built = mapReduceGraph(series, spec, hasReduce);
    const planned = planJob(asJobId("J"), spec, outlines, hasReduce);
    const ids = new Map(planned.tasks.map((t, i) => [t.id as string, built.tasks[i]!.id as string]));
    const rename = (inputs: Array<{ task: string; from: number; to: number }>) => inputs.map((i) => ({ ...i, task: ids.get(i.task) }));
    expect(built.tasks.map((t) => ({ work: t.work, inputs: t.inputs }))).toEqual(planned.tasks.map((t) => ({ work: t.work, inputs: rename(t.inputs) })));
    expect(built.result).toEqual({ ...planned.result, inputs: rename(planned.result.inputs) });
  });

  it("leaves window splits to the coordinator", () => {
    const spec = parseJobSpec({ script: "", split: { kind: "window", ms: 86_400_000 } });
    expect(() => mapReduceGraph(series, spec, true)).toThrow(/createJob/);
  });
});
