import { describe, expect, it } from "vitest";
import type { JobSpecInput, ShardHash } from "@shoal/protocol";
import { asJobId, parseJobSpec } from "@shoal/protocol";
import type { PlannedSeries } from "@shoal/scheduler";
import { planJob } from "@shoal/scheduler";
import { measureJob } from "./measureJob.ts";

const DAY = 86_400_000;
const series = (key: string, rows: number, step = DAY): PlannedSeries => ({
  key,
  time: Float64Array.from({ length: rows }, (_, i) => Date.UTC(2020, 0, 1) + i * step),
  shard: "a".repeat(64) as ShardHash,
});
const extent = (s: PlannedSeries) => ({ rows: s.time.length, from: s.time[0] ?? 0, to: s.time.at(-1) ?? 0 });
const DATA = [series("AAPL", 1000), series("MSFT", 333), series("EMPTY", 0), series("HOURLY", 500, DAY / 24)];

describe("measureJob sizes a plan as planJob makes it, without making it", () => {
  it.each<[string, Omit<JobSpecInput, "script">]>([
    ["whole series, no grid", {}],
    ["rows of 100 under a 4 × 4 grid in batches of 3", { split: { kind: "rows", rows: 100 }, params: { fast: [5, 10, 20, 50], slow: [50, 100, 150, 200] }, batchSize: 3 }],
    ["rows of 1, one point per task", { split: { kind: "rows", rows: 1 }, params: { w: [1, 2] }, batchSize: 1 }],
    ["string and boolean values", { split: { kind: "rows", rows: 250 }, params: { mode: ["long", "short", "\"q\""], on: [true, false] }, batchSize: 4 }],
    ["monthly windows", { split: { kind: "window", ms: 30 * DAY }, params: { k: [1, 2, 3] } }],
    ["a small fan-in", { split: { kind: "rows", rows: 10 }, params: { k: [1, 2, 3, 4, 5] }, reduceFanIn: 2 }],
  ])("%s", (_name, input) => {
    const spec = parseJobSpec({ script: "function map() end", ...input });
    for (const hasReduce of [false, true]) {
      const graph = planJob(asJobId("j_0123456789abcdef"), spec, DATA, hasReduce);
      const measured = measureJob(spec, DATA.map(extent), hasReduce);
      const mapTasks = graph.tasks.filter((t) => t.work.kind === "map");
      const pointChars = mapTasks.reduce((n, t) => n + (t.work.kind === "map" ? JSON.stringify(t.work.points).length - 1 : 0), 0);
      if (spec.split.kind === "window") expect(measured.tasks).toBeGreaterThanOrEqual(graph.tasks.length);
      else expect(measured.tasks).toBe(graph.tasks.length);
      expect(measured.pointChars).toBeGreaterThanOrEqual(pointChars);
      expect(measured.planChars).toBeGreaterThanOrEqual(JSON.stringify(graph).length);
      expect(measured.planChars).toBeLessThan(JSON.stringify(graph).length * 4 + 10_000);
    }
  });

  it("sizes the 1.5-million-task request without planning it", () => {
    const spec = parseJobSpec({ script: "function map() end", split: { kind: "rows", rows: 1 }, params: { w: Array.from({ length: 300 }, (_, i) => i) }, batchSize: 1 });
    expect(measureJob(spec, [{ rows: 5040, from: 0, to: 5039 * DAY }], true)).toMatchObject({ slices: 5040, points: 300, tasks: 1_512_000 + 94_500 + 5_907 + 370 + 24 + 2 + 1 });
  });
});
