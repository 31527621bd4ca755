import { readFileSync } from "node:fs";
import type { Json } from "@shoal/protocol";
import { parseCsv, planSlices, sliceSeries } from "@shoal/timeseries";
import type { Series, Split } from "@shoal/timeseries";
import { describe, expect, it } from "vitest";
import { fengariEngine } from "../fengari/FengariEngine.ts";
import type { LuaJob } from "../LuaEngine.ts";

// The quant templates in examples/, run as the grid runs them: every (slice, point) through
// map, then reduce over the outputs in shuffled groups. A split run must equal the unsplit one.

const root = new URL("../../../../", import.meta.url);
const sp500 = parseCsv(readFileSync(new URL("public/datasets/sp500.csv", root), "utf8"), { defaultKey: "sp500" }).series[0]!;
const example = (name: string) => readFileSync(new URL(`examples/${name}`, root), "utf8");

type Point = Record<string, Json>;

function grid(axes: Record<string, number[]>): Point[] {
  return Object.entries(axes).reduce<Point[]>((points, [name, values]) => points.flatMap((p) => values.map((v) => ({ ...p, [name]: v }))), [{}]);
}

/** Maps every slice and point, then reduces in groups of `fanIn` after a deterministic shuffle, up to one value. */
function runJob(job: LuaJob, series: Series, points: Point[], split: Split, halo: number, fanIn = 3): Json {
  const values: Json[] = [];
  for (const range of planSlices(series.time, split, halo)) {
    const slice = sliceSeries(series, range);
    for (const p of points) values.push(job.map(slice, p, 1).value);
  }
  let level = values;
  let seed = 7;
  while (level.length > 1) {
    for (let i = level.length - 1; i > 0; i--) {
      seed = (seed * 16807) % 2147483647;
      const j = seed % (i + 1);
      [level[i], level[j]] = [level[j]!, level[i]!];
    }
    const next: Json[] = [];
    for (let i = 0; i < level.length; i += fanIn) next.push(job.reduce(level.slice(i, i + fanIn), 1).value);
    level = next;
  }
  return job.reduce(level, 1).value;
}

/** Equal numbers within `rel` (integers exactly), recursively; `parts` records are skipped (their sums round differently). */
function expectSame(actual: Json, expected: Json, path = "$", rel = 1e-12): void {
  if (typeof expected === "number" && typeof actual === "number") {
    if (Number.isInteger(expected) && Math.abs(expected) < 1e9) expect(actual, path).toBe(expected);
    else expect(Math.abs(actual - expected), `${path}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    expect(actual.length, path).toBe(expected.length);
    expected.forEach((e, i) => expectSame(actual[i]!, e, `${path}[${i}]`, rel));
  } else if (expected !== null && typeof expected === "object" && actual !== null && typeof actual === "object" && !Array.isArray(actual)) {
    const keys = Object.keys(expected).filter((k) => k !== "parts" && k !== "test");
    expect(Object.keys(actual).filter((k) => k !== "parts" && k !== "test").sort(), path).toEqual(keys.sort());
    for (const k of keys) expectSame((actual as Record<string, Json>)[k]!, (expected as Record<string, Json>)[k]!, `${path}.${k}`, rel);
  } else expect(actual, path).toEqual(expected);
}

describe("a sweep split by time with a halo equals the unsplit run", () => {
  it("quant-sma-sweep.lua: rows of 500 with a halo of 200", () => {
    const job = fengariEngine.load({ source: example("quant-sma-sweep.lua") });
    const points = grid({ fast: [5, 10, 20, 50], slow: [50, 100, 200] });
    const whole = runJob(job, sp500, points, { kind: "none" }, 0) as { runs: Array<Record<string, number>> };
    const split = runJob(job, sp500, points, { kind: "rows", rows: 500 }, 200);
    expect(whole.runs).toHaveLength(12);
    expect(whole.runs.reduce((n, r) => n + r["trades"]!, 0)).toBeGreaterThan(200);
    expectSame(split, whole);
    // The best run's equity curve: bounded, from weekly points, ending on the last bar at the run's growth.
    const best = (whole as unknown as { best: { fast: number; slow: number; equity: { time: number[]; equity: number[] } } }).best;
    const run = whole.runs.find((r) => r["fast"] === best.fast && r["slow"] === best.slow)!;
    expect(best.equity.time.length).toBeGreaterThan(64);
    expect(best.equity.time.length).toBeLessThanOrEqual(129);
    expect(best.equity.equity).toHaveLength(best.equity.time.length);
    expect(best.equity.time.at(-1)).toBe(sp500.time.at(-1));
    expect(best.equity.time).toEqual([...best.equity.time].sort((a, b) => a - b));
    expect(best.equity.equity.at(-1)! - 1).toBeCloseTo(run["total_return"]!, 12);
  });

  it("quant-sma-sweep.lua: yearly windows", () => {
    const job = fengariEngine.load({ source: example("quant-sma-sweep.lua") });
    const points = grid({ fast: [10], slow: [100] });
    expectSame(runJob(job, sp500, points, { kind: "window", ms: 365.25 * 86_400_000 }, 100), runJob(job, sp500, points, { kind: "none" }, 0));
  });

  it("a halo shorter than the slow window breaks it (the test can fail)", () => {
    const job = fengariEngine.load({ source: example("quant-sma-sweep.lua") });
    const points = grid({ fast: [20], slow: [200] });
    const whole = runJob(job, sp500, points, { kind: "none" }, 0) as { runs: Array<{ trades: number }> };
    const short = runJob(job, sp500, points, { kind: "rows", rows: 500 }, 50) as { runs: Array<{ trades: number }> };
    expect(short.runs[0]!.trades).not.toBe(whole.runs[0]!.trades);
  });

  it("quant-bollinger-breakout.lua and quant-rsi-reversion.lua with their halos", () => {
    const bands = fengariEngine.load({ source: example("quant-bollinger-breakout.lua") });
    const bandPoints = grid({ n: [20, 50], k: [1.5, 2] });
    expectSame(runJob(bands, sp500, bandPoints, { kind: "rows", rows: 1000 }, 600), runJob(bands, sp500, bandPoints, { kind: "none" }, 0));
    const rsi = fengariEngine.load({ source: example("quant-rsi-reversion.lua") });
    const rsiPoints = grid({ n: [14], low: [30], high: [50, 70] });
    expectSame(runJob(rsi, sp500, rsiPoints, { kind: "rows", rows: 1000 }, 500), runJob(rsi, sp500, rsiPoints, { kind: "none" }, 0), "$", 1e-9);
  });
});

describe("quant-walk-forward.lua", () => {
  it("picks the best training point per window and chains the test windows", () => {
    const job = fengariEngine.load({ source: example("quant-walk-forward.lua") });
    const points = grid({ fast: [10, 20, 50], slow: [100, 200] });
    const split: Split = { kind: "window", ms: 182 * 86_400_000 };
    const result = runJob(job, sp500, points, split, 705) as {
      out_of_sample: Array<Record<string, number>>;
      folds: Array<{ start: number; fast: number; slow: number; score: number }>;
    };
    // Windows with two years of training history plus the slow window: all but the first few.
    const windows = planSlices(sp500.time, split, 705).filter((r) => r.start - 504 - 1 >= 200);
    expect(result.folds.map((f) => f.start)).toEqual(windows.map((r) => sp500.time[r.start]));
    const [oos] = result.out_of_sample;
    expect(oos).toMatchObject({ key: "sp500", windows: windows.length });
    // Each window's choice is the argmax of the training Sharpe over the points.
    const fold = result.folds[10]!;
    const range = windows[10]!;
    const slice = sliceSeries(sp500, range);
    const scores = points.map((p) => (job.map(slice, p, 1).value as { score?: number }).score ?? -Infinity);
    expect(fold.score).toBe(Math.max(...scores));
    // Regrouping the reduce does not change the answer.
    expectSame(runJob(job, sp500, points, split, 705, 2), result);
  });
});
