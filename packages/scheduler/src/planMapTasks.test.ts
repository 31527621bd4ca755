import { describe, expect, it } from "vitest";
import { parseJobSpec } from "@shoal/protocol";
import { planMapTasks } from "./planMapTasks.ts";
import { reduceGroups } from "./reduceGroups.ts";

const days = (n: number) => Float64Array.from({ length: n }, (_, i) => i * 86_400_000);

describe("planMapTasks", () => {
  it("orders tasks by key, slice start, then point batch", () => {
    const spec = parseJobSpec({
      script: "",
      params: { a: [1, 2, 3] },
      batchSize: 2,
      split: { kind: "rows", rows: 4 },
      halo: 2,
    });
    const tasks = planMapTasks([{ key: "b", time: days(6) }, { key: "a", time: days(3) }], spec);
    expect(tasks.map((t) => [t.slice.key, t.slice.haloStart, t.slice.start, t.slice.end, t.points.map((p) => p.index)])).toEqual([
      ["a", 0, 0, 3, [0, 1]],
      ["a", 0, 0, 3, [2]],
      ["b", 0, 0, 4, [0, 1]],
      ["b", 0, 0, 4, [2]],
      ["b", 2, 4, 6, [0, 1]],
      ["b", 2, 4, 6, [2]],
    ]);
  });

  it("makes one task per series for an empty grid without a split", () => {
    const tasks = planMapTasks([{ key: "x", time: days(10) }], parseJobSpec({ script: "" }));
    expect(tasks).toEqual([{ kind: "map", slice: { key: "x", haloStart: 0, start: 0, end: 10 }, points: [{ index: 0, p: {} }] }]);
  });
});

describe("reduceGroups", () => {
  it("covers every value once in runs of at most fan-in", () => {
    expect(reduceGroups(5, 2)).toEqual([{ from: 0, to: 2 }, { from: 2, to: 4 }, { from: 4, to: 5 }]);
    expect(reduceGroups(0, 4)).toEqual([]);
    expect(() => reduceGroups(3, 1)).toThrow(/fan-in/);
  });
});
