import type { JobSpecInput, ShardHash } from "@shoal/protocol";
import { asJobId, parseJobSpec } from "@shoal/protocol";
import type { PlannedSeries } from "@shoal/scheduler";
import { planJob } from "@shoal/scheduler";
import { describe, expect, it } from "vitest";
import { countTasks, definesReduce } from "./countTasks.ts";

const DAY = 86_400_000;
const START = Date.UTC(2000, 0, 3);

/** A series of `rows` rows, one every `step` ms, skipping `gap` ms after row `gapAt`. */
function series(key: string, rows: number, step = DAY, gapAt = -1, gap = 0): PlannedSeries {
  const time = Float64Array.from({ length: rows }, (_, i) => START + i * step + (i > gapAt && gapAt >= 0 ? gap : 0));
  return { key, time, shard: "0".repeat(64) as ShardHash };
}

/** What the form sees of a series: rows and time range. */
const extent = ({ time }: PlannedSeries) => ({ rows: time.length, from: time[0] ?? 0, to: time.at(-1) ?? 0 });

function planned(data: PlannedSeries[], input: Omit<JobSpecInput, "script">, hasReduce: boolean) {
  const graph = planJob(asJobId("j_test"), parseJobSpec({ script: "", ...input }), data, hasReduce);
  return { map: graph.tasks.filter((t) => t.work.kind === "map").length, reduce: graph.tasks.filter((t) => t.work.kind === "reduce").length };
}

describe("countTasks", () => {
  it.each<[string, PlannedSeries[], Omit<JobSpecInput, "script">, boolean]>([
    ["the SMA template on the sample", [series("sp500", 5105)], { params: { fast: [5, 10, 20, 50], slow: [50, 100, 150, 200] }, split: { kind: "rows", rows: 500 } }, true],
    ["batches of 3 over several series", [series("a", 1000), series("b", 250), series("c", 1)], { params: { n: [1, 2, 3, 4] }, split: { kind: "rows", rows: 250 }, batchSize: 3 }, false],
    ["no grid, no split", [series("a", 10), series("b", 10)], {}, false],
    ["an empty series", [series("a", 0), series("b", 5)], { split: { kind: "rows", rows: 2 } }, true],
    ["a deep reduce tree", [series("a", 300)], { params: { x: [1, 2, 3, 4, 5, 6, 7] }, split: { kind: "rows", rows: 7 }, batchSize: 2, reduceFanIn: 2 }, true],
    ["windows over contiguous days", [series("a", 2000), series("b", 40)], { params: { k: [1, 2] }, split: { kind: "window", ms: 365 * DAY } }, true],
    ["windows over hourly rows", [series("a", 500, 3_600_000)], { split: { kind: "window", ms: DAY }, batchSize: 1 }, false],
  ])("matches planJob: %s", (_, data, spec, hasReduce) => {
    const full = parseJobSpec({ script: "", ...spec });
    const count = countTasks(data.map(extent), full, hasReduce);
    expect({ map: count.map, reduce: count.reduce }).toEqual(planned(data, spec, hasReduce));
  });

  it("counts the SMA template on the sample as 16 points × 11 slices → 11 map tasks (+ 12 reduce)", () => {
    const full = parseJobSpec({ script: "", params: { fast: [5, 10, 20, 50], slow: [50, 100, 150, 200] }, split: { kind: "rows", rows: 500 } });
    expect(countTasks([extent(series("sp500", 5105))], full, true)).toEqual({ points: 16, batches: 1, slices: 11, map: 11, reduce: 12, exact: true });
  });

  it("gives an upper bound, marked inexact, when windows in the range are empty", () => {
    const data = [series("a", 1000, DAY, 499, 3 * 365 * DAY)];
    const spec: Omit<JobSpecInput, "script"> = { params: { k: [1, 2, 3] }, split: { kind: "window", ms: 365 * DAY } };
    const count = countTasks(data.map(extent), parseJobSpec({ script: "", ...spec }), true);
    const plan = planned(data, spec, true);
    expect(count.exact).toBe(false);
    expect(count.map).toBeGreaterThan(plan.map);
    expect(count.reduce).toBeGreaterThanOrEqual(plan.reduce);
  });
});

describe("definesReduce", () => {
  it.each([
    ["function reduce(values)\n  return values\nend", true],
    ["function map(s, p) end\n\nfunction  reduce (vs) end", true],
    ["reduce = function(vs) return vs end", true],
    ["function map(s, p) end", false],
    ["local function reduce(vs) end", false],
    ["-- function reduce(values) comes later", false],
  ])("%j → %s", (script, expected) => {
    expect(definesReduce(script)).toBe(expected);
  });
});
