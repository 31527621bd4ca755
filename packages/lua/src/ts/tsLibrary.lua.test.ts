import { describe, expect, it } from "vitest";
import { luaErrorOf, mapBody, runMap, SERIES } from "../testing/fixtures.ts";
import * as kernels from "./tsLibrary.ts";
import { fengariEngine } from "../fengari/FengariEngine.ts";

const run = (body: string, opts = {}) => runMap(fengariEngine, mapBody(body), {}, opts);
const close = SERIES.columns["close"] as Float64Array;
const nulls = (a: Float64Array) => Array.from(a, (x) => (Number.isFinite(x) ? x : null));

describe("ts library in Lua", () => {
  it("gives the kernels' results on Lua arrays", () => {
    const { value } = run(`
      local c = series.close
      return { ts.sum(c), ts.mean(c), ts.std(c), ts.min(c), ts.max(c),
        ts.rolling_mean(c, 2), ts.rolling_std(c, 3), ts.rolling_min(c, 2), ts.rolling_max(c, 2), ts.rolling_sum(c, 2),
        ts.ema(c, 3), ts.diff(c), ts.returns(c), ts.pct_change(c, 2), ts.log_returns(c), ts.shift(c, -1),
        ts.cumsum(c), ts.cumprod(c), ts.zscore(c, 3), ts.sign(ts.diff(c)), ts.clip(c, 10.5, 12),
        ts.crossover(c, 11), ts.crossover(c, ts.shift(c)) }`);
    expect(value).toEqual([
      kernels.sum(close), kernels.mean(close), kernels.std(close), kernels.min(close), kernels.max(close),
      nulls(kernels.rollingMean(close, 2)), nulls(kernels.rollingStd(close, 3)), nulls(kernels.rollingMin(close, 2)),
      nulls(kernels.rollingMax(close, 2)), nulls(kernels.rollingSum(close, 2)), nulls(kernels.ema(close, 3)),
      nulls(kernels.diff(close)), nulls(kernels.returns(close)), nulls(kernels.returns(close, 2)),
      nulls(kernels.logReturns(close)), nulls(kernels.shift(close, -1)), nulls(kernels.cumsum(close)),
      nulls(kernels.cumprod(close)), nulls(kernels.zscore(close, 3)), nulls(kernels.sign(kernels.diff(close))),
      nulls(kernels.clip(close, 10.5, 12)), nulls(kernels.crossover(close, 11)),
      nulls(kernels.crossover(close, kernels.shift(close))),
    ]);
  });

  it("returns new arrays of floats, with NaN where there is no value", () => {
    const { value } = run(`
      local m = ts.rolling_mean({ 1, 2, 3 }, 2)
      return { #m, m[1] ~= m[1], math.type(m[2]), ts.mean({}) ~= ts.mean({}), ts.sum({}) }`);
    expect(value).toEqual([3, true, "float", true, 0]);
  });

  it.each([
    ["ts.rolling_mean(series.close, 0)", "ts.rolling_mean: window must be a positive integer"],
    ["ts.rolling_std(series.close, 2.5)", "ts.rolling_std: window must be a positive integer"],
    ["ts.ema(series.close)", "ts.ema: window must be a positive integer"],
    ["ts.mean('abc')", "ts.mean: argument #1 must be an array of numbers or a quant vector (got string)"],
    ["ts.sum({ 1, 'x' })", "ts.sum: element 2 of argument #1 is not a number (got string)"],
    ["ts.max({ 1, nil, 3 })", "ts.max: element 2 of argument #1 is not a number (got nil)"],
    ["ts.diff(series.close, 0.5)", "ts.diff: lag must be an integer"],
    ["ts.crossover({ 1, 2 }, { 1 })", "ts.crossover: lengths differ (2 and 1)"],
    ["ts.clip({ 1 }, 2, 1)", "ts.clip: lower bound must not exceed upper bound"],
  ])("%s fails with a clear message", (call, message) => {
    expect(luaErrorOf(() => run(`return ${call}`)).message).toBe(`job.lua:2: ${message}`);
  });

  it("charges one instruction per element read and written", () => {
    const job = fengariEngine.load({ source: mapBody(`local a = {} for i = 1, p.n do a[i] = i end return p.ts and #ts.cumsum(a) or 0`) });
    const plain = job.map(SERIES, { n: 10_000 }, 1).instructions;
    const withTs = job.map(SERIES, { n: 10_000, ts: true }, 1).instructions;
    expect(withTs - plain).toBeGreaterThanOrEqual(20_000);
  });
});
