import { fengariEngine, prepareEngine } from "@shoal/lua";
import { describe, expect, it } from "vitest";
import { findNativeLua } from "../../packages/lua/src/testing/nativeLua.ts";
import { agreement, nativeSweeps } from "./runners.ts";
import type { Row } from "./runners.ts";
import { POINTS, TS_LUA, walk } from "./kernels.ts";

// The bench's vectorized `ts` backtest answers what the plain loop does under native lua5.4:
// the same trade counts, and sharpes that differ only where exact sums and running sums round
// differently (a few parts in 1e13 here).

const BARS = 20_000;
const row = (values: Array<[number, number]>): Row => ({ name: "", hook: "", cold: null, best: 0, warmed: 0, rssMb: null, results: values.map((v) => v.join("/")).join(" "), values });

describe("TS_LUA, the vectorized backtest", () => {
  const native = nativeSweeps(findNativeLua(), BARS, 1).values;
  const close = walk(BARS);
  const series = { key: "walk", time: new Float64Array(BARS), columns: { close }, first: 1 };

  it.each(["fengari", "wasmoon", "compiled"] as const)("gives the plain loop's trades, and its sharpes within 1e-12, on %s", async (name) => {
    const engine = name === "fengari" ? fengariEngine : await prepareEngine(name);
    const job = engine.load({ source: TS_LUA });
    const values = POINTS.map((p) => {
      const v = job.map(series, p, 1).value as { sharpe: number; trades: number };
      return [v.sharpe, v.trades] as [number, number];
    });
    expect(values.map((v) => v[1])).toEqual(native.map((v) => v[1]));
    values.forEach(([s], i) => expect(Math.abs(s - native[i]![0]) / Math.abs(native[i]![0])).toBeLessThan(1e-12));
    expect(agreement(row(values), row(native))).toMatch(/^yes/);
  });

  it("is reported as not agreeing when a trade count differs or a sharpe is off past 1e-9", () => {
    expect(agreement(row(native), row(native))).toBe("yes, bit for bit");
    expect(agreement(row(native.map(([s, t]) => [s, t + 1])), row(native))).toMatch(/^NO/);
    expect(agreement(row(native.map(([s, t]) => [s * (1 + 1e-8), t])), row(native))).toMatch(/^NO/);
    expect(agreement(row(native.map(([s, t]) => [s * (1 + 1e-12), t])), row(native))).toMatch(/^yes; sharpe off by ≤ 1\.\de-12 relative$/);
  });
});
