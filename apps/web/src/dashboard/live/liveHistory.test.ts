import { describe, expect, it } from "vitest";
import type { LiveVersion } from "@shoal/client";
import type { LiveRow } from "./liveHistory.ts";
import { addVersion, equityCurve, MAX_CURVE_POINTS, metricByVersion } from "./liveHistory.ts";

const version = (n: number, sharpe?: number): LiveVersion => ({
  chain: "j_1",
  version: n,
  dataset: `d_${n}`,
  jobId: `j_${n}`,
  status: "done",
  reused: n - 1,
  total: 4,
  ...(sharpe === undefined ? {} : { result: { best: { fast: 10, slow: 50, sharpe }, runs: [{ fast: 10, slow: 50, sharpe }] } }),
});

describe("addVersion", () => {
  it("keeps rows ascending by version with the best parameters in words and their metric", () => {
    const rows = addVersion(addVersion([], version(2, 0.5)), version(1, 0.25));
    expect(rows.map((row) => row.version)).toEqual([1, 2]);
    expect(rows[1]).toMatchObject({ jobId: "j_2", reused: 1, total: 4, best: "fast 10 · slow 50 · sharpe 0.5", metric: { name: "sharpe", value: 0.5 } });
  });

  it("leaves the best run's equity curve out of the row's words (the chart draws it)", () => {
    const event = { ...version(1, 0.5), result: { best: { fast: 10, sharpe: 0.5, equity: { time: [1, 2], equity: [1, 2] } }, runs: [] } };
    expect(addVersion([], event)[0]!.best).toBe("fast 10 · sharpe 0.5");
  });

  it("replaces the row of a version sent again (a reconnect re-sends the last) instead of doubling it", () => {
    const rows = addVersion(addVersion([], version(3, 0.1)), { ...version(3, 0.2), status: "done" });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.metric?.value).toBe(0.2);
  });

  it("drops the oldest rows past the bound", () => {
    let rows = addVersion([], version(1));
    for (let n = 2; n <= 6; n++) rows = addVersion(rows, version(n), 3);
    expect(rows.map((row) => row.version)).toEqual([4, 5, 6]);
  });

  it("holds no best for a failed version or a result without one", () => {
    const failed = addVersion([], { ...version(1), status: "failed" })[0]!;
    const plain = addVersion([], { ...version(2), result: [1, 2, 3] })[0]!;
    expect([failed.best, failed.metric, plain.best, plain.metric]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe("metricByVersion", () => {
  it("draws the best metric over versions once two versions have it", () => {
    expect(metricByVersion(addVersion([], version(1, 0.3)))).toBeUndefined();
    const rows = [version(1, 0.3), version(2), version(3, 0.4)].reduce<LiveRow[]>((rows, event) => addVersion(rows, event), []);
    expect(metricByVersion(rows)).toEqual({ xs: [1, 3], lines: [{ label: "best sharpe", values: [0.3, 0.4] }] });
  });
});

describe("equityCurve", () => {
  const result = (equity: unknown) => ({ best: { fast: 10, sharpe: 0.5, equity }, runs: [] }) as never;

  it("draws the best run's curve over time", () => {
    expect(equityCurve(result({ time: [1, 2, 3], equity: [1, 1.1, 0.9] }))).toEqual({ xs: [1, 2, 3], lines: [{ label: "equity", values: [1, 1.1, 0.9] }] });
  });

  it.each([
    ["no result", undefined],
    ["no best", { runs: [] }],
    ["no curve", result(undefined)],
    ["a curve that is a list", result([1, 2])],
    ["lists of different lengths", result({ time: [1, 2, 3], equity: [1, 2] })],
    ["a string among the numbers", result({ time: [1, "2"], equity: [1, 2] })],
    ["a null (JSON's NaN) among the numbers", result({ time: [1, 2], equity: [1, null] })],
    ["one point", result({ time: [1], equity: [1] })],
    ["times out of order", result({ time: [2, 1], equity: [1, 1] })],
    ["more points than the page draws", result({ time: Array.from({ length: MAX_CURVE_POINTS + 1 }, (_, i) => i), equity: Array.from({ length: MAX_CURVE_POINTS + 1 }, () => 1) })],
  ])("draws nothing for %s", (_name, value) => {
    expect(equityCurve(value as never)).toBeUndefined();
  });
});
