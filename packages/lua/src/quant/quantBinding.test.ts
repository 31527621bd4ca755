import { readFileSync } from "node:fs";
import type { Json } from "@shoal/protocol";
import { parseCsv } from "@shoal/timeseries";
import { describe, expect, it } from "vitest";
import { fengariEngine } from "../fengari/FengariEngine.ts";
import type { SeriesInput } from "../LuaEngine.ts";
import { luaErrorOf, mapBody } from "../testing/fixtures.ts";
import { backtest } from "./backtest.ts";
import * as q from "./indicators.ts";

const sp500 = parseCsv(readFileSync(new URL("../../../../public/datasets/sp500.csv", import.meta.url), "utf8"), {
  defaultKey: "sp500",
}).series[0]!;
const SERIES: SeriesInput = { ...sp500, first: 1 };
const close = sp500.columns["close"]!;
const nulls = (a: Float64Array) => Array.from(a, (x) => (Number.isFinite(x) ? x : null));

function run(body: string, opts: { series?: SeriesInput; p?: Record<string, Json>; maxMemoryBytes?: number } = {}) {
  return fengariEngine.load({ source: mapBody(body), maxResultBytes: 64 << 20, ...opts }).map(opts.series ?? SERIES, opts.p ?? {}, 1);
}

describe("quant indicators in Lua", () => {
  it("give the JavaScript kernels' values, bit for bit", () => {
    const { value } = run(`
      local s = quant.columns(series)
      local m, sig, h = quant.macd(s.close)
      local mid, up, lo = quant.bbands(s.close, 20, 2)
      local t = {}
      for _, v in ipairs({ quant.sma(s.close, 20), quant.ema(s.close, 12), quant.wma(s.close, 9), quant.stdev(s.close, 20),
          quant.stdev(s.close, 20, 0), quant.zscore(s.close, 50), quant.rsi(s.close), m, sig, h, mid, up, lo,
          quant.atr(s.high, s.low, s.close), quant.true_range(s.high, s.low, s.close), quant.rolling_min(s.low, 20),
          quant.rolling_max(s.high, 20), quant.returns(s.close), quant.log_returns(s.close, 5), quant.shift(s.close, 2),
          quant.crossover(m, sig), quant.crossunder(m, 0), quant.above(s.close, mid), quant.below(s.close, lo),
          quant.hold(quant.above(s.close, up), quant.below(s.close, mid)) }) do
        t[#t + 1] = v:table()
      end
      return t`);
    const macd = q.macd(close);
    const bands = q.bbands(close, 20, 2);
    const [high, low] = [sp500.columns["high"]!, sp500.columns["low"]!];
    const expected = [
      q.sma(close, 20), q.ema(close, 12), q.wma(close, 9), q.stdev(close, 20), q.stdev(close, 20, 0), q.zscore(close, 50),
      q.rsi(close, 14), macd.macd, macd.signal, macd.histogram, bands.middle, bands.upper, bands.lower,
      q.atr(high, low, close, 14), q.trueRange(high, low, close), q.rollingMin(low, 20), q.rollingMax(high, 20),
      q.returns(close, 1), q.logReturns(close, 5), q.shift(close, 2), q.crossover(macd.macd, macd.signal),
      q.crossunder(macd.macd, 0), q.above(close, bands.middle), q.below(close, bands.lower),
      q.hold(q.above(close, bands.upper), q.below(close, bands.middle)),
    ];
    expect(value).toEqual(expected.map(nulls));
  });

  it("accept plain Lua arrays as well as vectors", () => {
    const { value } = run(`return quant.sma({ 1, 2, 3, 4 }, 2):table()`);
    expect(value).toEqual([null, 1.5, 2.5, 3.5]);
  });

  it.each([
    ["quant.sma(series.close, 0)", "quant.sma: window must be a positive integer"],
    ["quant.stdev({ 1, 2 }, 2, 2)", "quant.stdev: ddof must be an integer in [0, window)"],
    ["quant.ema('x', 3)", "quant.ema: argument #1 must be an array of numbers or a quant vector (got string)"],
    ["quant.sma({ 1, 'a' }, 1)", "quant.sma: element 2 of argument #1 is not a number (got string)"],
    ["quant.above({ 1, 2 }, { 1 })", "quant.above: lengths differ (2 and 1)"],
    ["quant.macd({ 1, 2 }, 26, 12)", "quant.macd: fast period must be shorter than slow period"],
    ["quant.columns({})", "quant.columns: argument #1 must be the series passed to map (got table)"],
    ["quant.backtest{ close = { 1 } }", "quant.backtest: close and position are required"],
    ["quant.backtest{ close = { 1 }, position = { 1, 2 } }", "quant.backtest: position has 2 bars, close has 1"],
    ["quant.backtest{ close = { 1 }, position = { 1 }, fee_bps = -1 }", "quant.backtest: fees and slippage must be finite and ≥ 0 bps"],
    ["quant.combine({ { bars = 1 } })", "quant.combine: item 1: parts.intervals must be a number"],
    ["local _ = quant.vector({ 1 }) + { 1, 2 }", "quant.vector: lengths differ (1 and 2) in +"],
    ["local v = quant.vector({ 1 }); v[2] = 1", "quant.vector: index must be an integer in 1..1"],
    ["local v = quant.vector({ 1 }); v[1] = 'x'", "quant.vector: elements must be numbers (got string)"],
    ["quant.columns(series).close[1] = 0", "quant.vector: a series column is read-only (copy it with quant.vector)"],
    ["quant.run(series, {})", "quant.run: strategy.on_bar must be a function"],
  ])("%s fails clearly", (code, message) => {
    expect(luaErrorOf(() => run(code)).message).toBe(`job.lua:2: ${message}`);
  });
});

describe("quant vectors", () => {
  it("index, count, iterate, compute and convert like arrays", () => {
    const { value } = run(`
      local v = quant.vector({ 1, 2, 4 })
      local w = (v + 1) * 2 - v / 2 + (-v) ^ 2
      local sum = 0
      for _, x in ipairs(v) do sum = sum + x end
      v[2] = 10
      return { #v, v[1], v[0] == nil, v[4] == nil, v.x == nil, sum, w:table(), v:table(), type(v), tostring(v), getmetatable(v), 3 - v == nil }`);
    expect(value).toEqual([3, 1, true, true, true, 7, [4.5, 9, 24], [1, 10, 4], "userdata", "quant.vector(3)", "quant.vector", false]);
  });

  it("do not become results by themselves", () => {
    expect(luaErrorOf(() => run(`return quant.sma(series.close, 2)`)).message).toBe("result: userdata at $ cannot be converted to JSON");
  });

  it("charge their elements to the budget and their bytes to the heap", () => {
    const { instructions } = run(`quant.sma(quant.columns(series).close, 5)`);
    expect(instructions).toBeGreaterThan(2 * close.length);
    const big: SeriesInput = { key: "big", time: new Float64Array(1e6), columns: { close: new Float64Array(1e6).fill(1) }, first: 1 };
    const error = luaErrorOf(() =>
      run(`local keep, c = {}, quant.columns(series).close
        for i = 1, 100 do keep[i] = quant.sma(c, 2) end`, { series: big, maxMemoryBytes: 256 << 20 }),
    );
    expect(error.kind).toBe("memory");
  });

  it("leave tostring ids of later calls unchanged", () => {
    const job = fengariEngine.load({ source: mapBody(`local v = p.use and quant.sma({ 1, 2 }, 1); return tostring({})`) });
    const fresh = job.map(SERIES, {}, 1).value;
    expect(job.map(SERIES, { use: true }, 1).value).not.toBe(null);
    expect(job.map(SERIES, {}, 1).value).toBe(fresh);
  });
});

describe("quant.backtest, quant.combine and quant.run in Lua", () => {
  const position = q.above(q.sma(close, 20), q.sma(close, 100));

  it("backtest gives the JavaScript result, from columns or from series =", () => {
    const { value } = run(`
      local s = quant.columns(series)
      local pos = quant.above(quant.sma(s.close, 20), quant.sma(s.close, 100))
      local a = quant.backtest{ close = s.close, position = pos, time = s.time, first = s.first, fee_bps = 2, slippage_bps = 3, curve = 10 }
      local b = quant.backtest{ series = series, position = pos, fee_bps = 5, curve = 10 }
      return { a, b }`);
    const expected = backtest({ close, position, time: sp500.time, feeBps: 2, slippageBps: 3, curve: 10 });
    const asLua = JSON.parse(JSON.stringify(expected, (_k, v: unknown) => (v === null ? undefined : v)));
    expect(value).toEqual([asLua, asLua]);
    expect(expected.trades).toBeGreaterThan(20);
  });

  it("combine of parts that went through Lua equals the JavaScript combination", () => {
    const { value } = run(`
      local s = quant.columns(series)
      local pos = quant.above(quant.sma(s.close, 20), quant.sma(s.close, 100))
      local parts = {}
      for k, first in ipairs({ 3000, 1, 1500 }) do
        parts[k] = quant.backtest{ close = s.close, position = pos, time = s.time, first = first, last = ({ #s.close, 1499, 2999 })[k] }
      end
      local whole = quant.backtest{ close = s.close, position = pos, time = s.time }
      return { quant.combine(parts).sharpe, quant.combine({ parts[1].parts, parts[2], parts[3].parts }).trades, whole.sharpe, whole.trades }`);
    const [split, trades, whole, wholeTrades] = value as number[];
    expect(split).toBeCloseTo(whole!, 12);
    expect(trades).toBe(wholeTrades);
  });

  it("run with the vectorised positions gives the backtest's metrics, halo included", () => {
    const slice: SeriesInput = { key: "sp500", time: sp500.time.subarray(1000, 3000), columns: { close: close.subarray(1000, 3000) }, first: 300 };
    const { value } = run(
      `local s = quant.columns(series)
      local pos = quant.above(quant.sma(s.close, 20), quant.sma(s.close, 100))
      local halo, seen = 0, {}
      local r = quant.run(series, {
        on_bar = function(bar, ctx)
          if not bar.owned then halo = halo + 1 end
          if bar.i == 500 then
            seen = { i = bar.i, time = bar.time, close = bar.close, position = ctx:position(), equity = ctx:equity(),
              cash = ctx:cash(), fills = #ctx:fills() }
          end
          ctx:target(pos[bar.i])
        end,
      }, { fee_bps = 4 })
      local b = quant.backtest{ series = series, position = pos, fee_bps = 4 }
      r.parts, b.parts = nil, nil
      return { run = r, backtest = b, halo = halo, seen = seen }`,
      { series: slice },
    );
    const v = value as { run: Json; backtest: Json; halo: number; seen: Record<string, number> };
    expect(v.run).toEqual(v.backtest);
    expect(v.halo).toBe(299);
    expect(v.seen).toMatchObject({ i: 500, time: slice.time[499], close: slice.columns["close"]![499] });
    expect([0, 1]).toContain(v.seen["position"]);
    expect(v.seen["cash"]).toBeCloseTo(v.seen["equity"]! * (1 - v.seen["position"]!), 12);
    expect(v.seen["fills"]).toBeGreaterThan(0);
  });

  it("run reports fills", () => {
    const { value } = run(`
      local r
      local fills = quant.run({ close = { 10, 11, 12, 11 }, time = { 0, 1, 2, 3 } }, {
        on_bar = function(bar, ctx)
          if bar.i == 2 then ctx:target(0.5) elseif bar.i == 3 then ctx:target(-1) end
          if bar.i == 4 then r = ctx:fills() end
        end,
      }, { fee_bps = 10 })
      return r`);
    expect(value).toEqual([
      { i: 2, time: 1, price: 11, from: 0, to: 0.5, cost: 0.0005 },
      { i: 3, time: 2, price: 12, from: 0.5, to: -1, cost: 0.0015 },
    ]);
  });
});
