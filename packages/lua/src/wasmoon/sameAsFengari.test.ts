import { readFileSync } from "node:fs";
import type { Json } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import { parseCsv, planSlices, sliceSeries } from "@shoal/timeseries";
import type { Split } from "@shoal/timeseries";
import { describe, expect, it } from "vitest";
import { fengariEngine } from "../fengari/FengariEngine.ts";
import type { LuaEngine, SeriesInput } from "../LuaEngine.ts";
import { luaErrorOf, mapBody } from "../testing/fixtures.ts";
import { loadWasmoonEngine } from "./WasmoonEngine.ts";

// The ts and quant builtins are the same JavaScript kernels on both engines, so their values
// must agree bit for bit; whole jobs agree after canonicalisation (Lua's own math.log and
// friends may differ in the last bit between fengari's JavaScript and wasmoon's C library).

const wasmoon = await loadWasmoonEngine();
const root = new URL("../../../../", import.meta.url);
const sp500 = parseCsv(readFileSync(new URL("public/datasets/sp500.csv", root), "utf8"), { defaultKey: "sp500" }).series[0]!;
const SERIES: SeriesInput = { ...sp500, first: 1 };
const example = (name: string) => readFileSync(new URL(`examples/${name}`, root), "utf8");

function both(body: string, p: Record<string, Json> = {}): [Json, Json] {
  const run = (engine: LuaEngine) => engine.load({ source: mapBody(body), maxResultBytes: 64 << 20 }).map(SERIES, p, 1).value;
  return [run(fengariEngine), run(wasmoon)];
}

/** Every map over every slice and point, then one reduce over all outputs. */
function runJob(engine: LuaEngine, source: string, points: Record<string, Json>[], split: Split, halo: number): Json {
  const job = engine.load({ source });
  const values: Json[] = [];
  for (const range of planSlices(sp500.time, split, halo)) {
    const slice = sliceSeries(sp500, range);
    for (const p of points) values.push(job.map(slice, p, 1).value);
  }
  return job.hasReduce ? job.reduce(values, 1).value : values;
}

describe("wasmoon gives fengari's results", () => {
  it("for every ts builtin, bit for bit", () => {
    const [f, w] = both(`
      local c = series.close
      return { ts.sum(c), ts.mean(c), ts.std(c), ts.min(c), ts.max(c), ts.rolling_mean(c, 20), ts.rolling_std(c, 20),
        ts.rolling_min(c, 5), ts.rolling_max(c, 5), ts.rolling_sum(c, 3), ts.ema(c, 12), ts.diff(c), ts.returns(c),
        ts.pct_change(c, 2), ts.log_returns(c), ts.shift(c, -1), ts.cumsum(c), ts.cumprod(ts.returns(c)), ts.zscore(c, 50),
        ts.sign(ts.diff(c)), ts.clip(c, 1000, 2000), ts.crossover(c, 1500), ts.crossover(c, ts.shift(c)) }`);
    expect(w).toEqual(f);
    expect((f as Json[]).length).toBe(23);
  });

  it("for every quant builtin, bit for bit", () => {
    const [f, w] = both(`
      local s = quant.columns(series)
      local m, sig, h = quant.macd(s.close)
      local mid, up, lo = quant.bbands(s.close, 20, 2)
      local t = {}
      for _, v in ipairs({ quant.sma(s.close, 20), quant.ema(s.close, 12), quant.wma(s.close, 9), quant.stdev(s.close, 20, 0),
          quant.zscore(s.close, 50), quant.rsi(s.close), m, sig, h, mid, up, lo, quant.atr(s.high, s.low, s.close),
          quant.true_range(s.high, s.low, s.close), quant.rolling_min(s.low, 20), quant.rolling_max(s.high, 20),
          quant.returns(s.close), quant.log_returns(s.close, 5), quant.shift(s.close, 2), quant.crossover(m, sig),
          quant.crossunder(m, 0), quant.above(s.close, mid), quant.below(s.close, lo),
          quant.hold(quant.above(s.close, up), quant.below(s.close, mid)), (s.close - mid) / (up - lo) * 2 + -s.close ^ 1,
          quant.vector({ 1, 2, 3 }) }) do
        t[#t + 1] = v:table()
      end
      local position = quant.above(quant.sma(s.close, 10), quant.sma(s.close, 50))
      local bt = quant.backtest { series = series, position = position, fee_bps = 1, curve = 20 }
      local a = quant.backtest { close = s.close, position = position, time = s.time, last = 2000 }
      local b = quant.backtest { close = s.close, position = position, time = s.time, first = 2001 }
      local long = false
      local run = quant.run(s, { on_bar = function(bar, ctx)
        if bar.i % 50 == 0 then long = not long ctx:target(long and 1 or 0) end
        if bar.i == #s.close then ctx:target(ctx:position()) end
      end }, { fee_bps = 2, curve = 10 })
      local v = quant.vector(s.close)
      v[1] = 0
      return { t = t, bt = bt, combined = quant.combine({ b, a }), run = run, len = #s.close, s = tostring(v), first = v[1], second = v[2] }`);
    expect(w).toEqual(f);
  });

  it("with the same error messages from the builtins", () => {
    for (const call of [
      "ts.sum({ 1, 'x' })",
      "ts.rolling_mean(series.close, 0)",
      "quant.sma({ 1, true }, 2)",
      "quant.above({ 1, 2 }, { 1 })",
      "quant.columns({})",
      "quant.backtest { close = { 1, 2 } }",
      "quant.combine({ { parts = 1 } })",
      "quant.columns(series).close[1] = 2",
      "quant.run(series, {})",
    ]) {
      const messages = [fengariEngine, wasmoon].map((engine) => luaErrorOf(() => engine.load({ source: mapBody(`  ${call}`) }).map(SERIES, {}, 1)).message);
      expect(messages[1], call).toBe(messages[0]);
    }
  });

  it.each([
    ["sma-crossover.lua", { fast: [10, 50], slow: [100, 200] }, { kind: "rows", rows: 500 }, 250],
    ["volatility-regimes.lua", { threshold: [0.15, 0.4] }, { kind: "window", ms: 365 * 86_400_000 }, 21],
    ["quant-sma-sweep.lua", { fast: [5, 20], slow: [50, 200] }, { kind: "rows", rows: 500 }, 200],
    ["quant-bollinger-breakout.lua", { n: [20], k: [1.5, 2] }, { kind: "rows", rows: 1000 }, 600],
    ["quant-rsi-reversion.lua", { n: [14], low: [30], high: [50, 70] }, { kind: "rows", rows: 1000 }, 500],
    ["quant-walk-forward.lua", { fast: [10, 50], slow: [100, 200] }, { kind: "window", ms: 182 * 86_400_000 }, 705],
  ] as const)("for examples/%s split with a halo", (name, axes, split, halo) => {
    const points = Object.entries(axes).reduce<Record<string, Json>[]>(
      (acc, [key, values]) => acc.flatMap((p) => (values as readonly Json[]).map((v) => ({ ...p, [key]: v }))),
      [{}],
    );
    const source = example(name);
    const f = runJob(fengariEngine, source, points, split, halo);
    const w = runJob(wasmoon, source, points, split, halo);
    expect(canonicalJson(w)).toBe(canonicalJson(f));
    expect(canonicalJson(runJob(wasmoon, source, points, { kind: "none" }, 0))).toBe(canonicalJson(runJob(fengariEngine, source, points, { kind: "none" }, 0)));
  });
});
