import { describe, expect, it } from "vitest";
import type { Json, ShardHash } from "@shoal/protocol";
import { asJobId, parseJobSpec } from "@shoal/protocol";
import type { TaskState } from "@shoal/scheduler";
import { planJob } from "@shoal/scheduler";
import type { Series } from "@shoal/timeseries";
import { MemoryStore } from "../store/MemoryStore.ts";
import { TaskMemo } from "./TaskMemo.ts";

const DAY = 86_400_000;
const SHARD = "a".repeat(64) as ShardHash;

function seriesOf(close: number[]): Series {
  return { key: "x", time: Float64Array.from(close, (_, i) => i * DAY), columns: { close: Float64Array.from(close) } };
}

/** A job of 3 slices of 10 rows (halo 5) × 2 points, planned and keyed over `series`; map outputs `[output(id, point)]`. */
function plan(memo: TaskMemo, series: Series, reuse: { quorum: number } | undefined, overrides: Record<string, unknown> = {}) {
  const spec = parseJobSpec({ script: "function map() end function reduce(v) return v end", params: { p: [1, 2] }, split: { kind: "rows", rows: 10 }, halo: 5, batchSize: 2, ...overrides });
  const graph = planJob(asJobId(`j${Math.random()}`), spec, [{ key: "x", time: series.time, shard: SHARD }], true);
  const reused = memo.prepare(graph, spec, reuse, () => series);
  return { spec, graph, reused };
}

/** The graph's tasks as a finished job holds them, each with outputs derived from its work. */
function finished(graph: ReturnType<typeof plan>["graph"], big = false): TaskState[] {
  return graph.tasks.map((node) => ({
    ...node,
    status: "done",
    attempts: [],
    failures: 0,
    results: [],
    errors: [],
    output: node.work.kind === "map" ? node.work.points.map((p): Json => ({ start: node.work.kind === "map" ? node.work.slice.start : 0, p: p.index, pad: big ? "x".repeat(2000) : "" })) : [{ folded: node.inputs.length }],
  }));
}

describe("TaskMemo", () => {
  const rows = Array.from({ length: 30 }, (_, i) => 100 + i);

  it("reuses the slices whose rows, halo included, are unchanged, and the reduces over only those", () => {
    const store = new MemoryStore();
    const memo = new TaskMemo(store, 1000);
    const first = plan(memo, seriesOf(rows), undefined);
    expect(first.reused).toBe(0);
    memo.record(first.spec, 1, finished(first.graph));
    // Row 17 changes: the slice owning it (10–19) and the one whose halo reads it (20–29, halo from 15).
    const changed = [...rows];
    changed[17] = 0;
    const second = plan(memo, seriesOf(changed), { quorum: 1 });
    expect(second.graph.tasks.filter((t) => t.memoOutput).map((t) => t.id.split("/").slice(1).join("/"))).toEqual(["map/0"]);
    const same = plan(memo, seriesOf(rows), { quorum: 1 });
    expect(same.reused).toBe(same.graph.tasks.length);
    expect(same.graph.tasks.map((t) => t.memoOutput)).toEqual(finished(first.graph).map((t) => t.output));
  });

  it("reuses nothing for another script, seed, budget or engine, or without reuse asked", () => {
    const store = new MemoryStore();
    const memo = new TaskMemo(store, 1000);
    const first = plan(memo, seriesOf(rows), undefined);
    memo.record(first.spec, 1, finished(first.graph));
    for (const overrides of [{ script: "function map() return 1 end" }, { seed: 7 }, { budget: 5000 }, { engine: "wasmoon" }]) {
      expect(plan(memo, seriesOf(rows), { quorum: 1 }, overrides).reused, JSON.stringify(overrides)).toBe(0);
    }
    expect(plan(memo, seriesOf(rows), undefined).reused).toBe(0);
  });

  it("reuses outputs only at their quorum or a smaller one, and only within the job's resultBytes", () => {
    const store = new MemoryStore();
    const memo = new TaskMemo(store, 1000);
    const first = plan(memo, seriesOf(rows), undefined);
    memo.record(first.spec, 2, finished(first.graph, true));
    expect(plan(memo, seriesOf(rows), { quorum: 3 }).reused).toBe(0);
    expect(plan(memo, seriesOf(rows), { quorum: 2 }).reused).toBe(first.graph.tasks.length);
    // Each map output is about 2 KB of JSON: a job that allows 1 KB per output reruns the maps.
    const small = plan(memo, seriesOf(rows), { quorum: 1 }, { resultBytes: 1024 });
    expect(small.graph.tasks.filter((t) => t.work.kind === "map" && t.memoOutput)).toEqual([]);
  });

  it("keeps at most its bound, evicting the oldest outputs when a job's batch is recorded", () => {
    const store = new MemoryStore();
    const first = plan(new TaskMemo(store, 1000), seriesOf(rows), undefined);
    const total = first.graph.tasks.length;
    // Maps are recorded before the reduces that fold them, so the bound evicts the first slices' maps.
    const memo = new TaskMemo(store, total - 1);
    memo.record(first.spec, 1, finished(first.graph));
    expect(store.countMemos()).toBe(total - 1);
    const again = plan(memo, seriesOf(rows), { quorum: 1 });
    expect(again.graph.tasks.find((t) => t.id.endsWith("/map/0"))?.memoOutput).toBeUndefined();
    expect(again.reused).toBeGreaterThan(0);
    expect(again.reused).toBeLessThan(total - 1);
  });
});
