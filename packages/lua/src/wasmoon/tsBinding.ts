import * as ts from "../ts/tsLibrary.ts";
import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { LibError } from "./LibError.ts";
import { pushNumbers, readNumbers } from "./luaArrays.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";

function array(rt: WasmoonRuntime, L: State, name: string, arg: number): Float64Array {
  return readNumbers(rt, L, arg, ({ element, got }) => {
    throw new LibError(
      element === undefined
        ? `ts.${name}: argument #${arg} must be an array of numbers (got ${got})`
        : `ts.${name}: element ${element} of argument #${arg} is not a number (got ${got})`,
    );
  });
}

function integerArg(rt: WasmoonRuntime, L: State, name: string, arg: number, what: string, min: number, def?: number): number {
  const { x } = rt;
  if (def !== undefined && x.lua_type(L, arg) <= LUA.TNIL) return def;
  const v = x.lua_type(L, arg) === LUA.TNUMBER ? x.lua_tonumberx(L, arg, 0) : NaN;
  if (!Number.isInteger(v) || v < min || Math.abs(v) > 2147483647) {
    throw new LibError(`ts.${name}: ${what} must be ${min > 0 ? "a positive integer" : "an integer"}`);
  }
  return v;
}

function numberArg(rt: WasmoonRuntime, L: State, name: string, arg: number, what: string): number {
  if (rt.x.lua_type(L, arg) !== LUA.TNUMBER) throw new LibError(`ts.${name}: ${what} must be a number`);
  return rt.x.lua_tonumberx(L, arg, 0);
}

const reduction =
  (name: string, f: (a: Float64Array) => number): LibFunction =>
  (rt, L) => {
    rt.x.lua_pushnumber(L, f(array(rt, L, name, 1)));
    return 1;
  };

const transform =
  (name: string, f: (a: Float64Array) => Float64Array): LibFunction =>
  (rt, L) => {
    pushNumbers(rt, L, f(array(rt, L, name, 1)));
    return 1;
  };

const windowed =
  (name: string, f: (a: Float64Array, n: number) => Float64Array): LibFunction =>
  (rt, L) => {
    const a = array(rt, L, name, 1);
    const n = integerArg(rt, L, name, 2, "window", 1);
    rt.current().guard.tick(a.length);
    pushNumbers(rt, L, f(a, n));
    return 1;
  };

const lagged =
  (name: string, f: (a: Float64Array, k: number) => Float64Array): LibFunction =>
  (rt, L) => {
    const a = array(rt, L, name, 1);
    pushNumbers(rt, L, f(a, integerArg(rt, L, name, 2, "lag", -Infinity, 1)));
    return 1;
  };

const crossover: LibFunction = (rt, L) => {
  const a = array(rt, L, "crossover", 1);
  let b: Float64Array | number;
  if (rt.x.lua_type(L, 2) === LUA.TNUMBER) b = rt.x.lua_tonumberx(L, 2, 0);
  else {
    b = array(rt, L, "crossover", 2);
    if (b.length !== a.length) throw new LibError(`ts.crossover: arrays must have the same length (${a.length} and ${b.length})`);
  }
  pushNumbers(rt, L, ts.crossover(a, b));
  return 1;
};

const clip: LibFunction = (rt, L) => {
  const a = array(rt, L, "clip", 1);
  const lo = numberArg(rt, L, "clip", 2, "lower bound");
  const hi = numberArg(rt, L, "clip", 3, "upper bound");
  if (!(lo <= hi)) throw new LibError("ts.clip: lower bound must not exceed upper bound");
  pushNumbers(rt, L, ts.clip(a, lo, hi));
  return 1;
};

const returns = lagged("returns", ts.returns);

/** The `ts` library on wasmoon: the same kernels (tsLibrary.ts) and messages as on fengari. */
export const tsLib: Record<string, LibFunction> = {
  sum: reduction("sum", ts.sum),
  mean: reduction("mean", ts.mean),
  std: reduction("std", ts.std),
  min: reduction("min", ts.min),
  max: reduction("max", ts.max),
  rolling_sum: windowed("rolling_sum", ts.rollingSum),
  rolling_mean: windowed("rolling_mean", ts.rollingMean),
  rolling_std: windowed("rolling_std", ts.rollingStd),
  rolling_min: windowed("rolling_min", ts.rollingMin),
  rolling_max: windowed("rolling_max", ts.rollingMax),
  zscore: windowed("zscore", ts.zscore),
  ema: windowed("ema", ts.ema),
  diff: lagged("diff", ts.diff),
  returns,
  pct_change: returns,
  log_returns: lagged("log_returns", ts.logReturns),
  shift: lagged("shift", ts.shift),
  cumsum: transform("cumsum", ts.cumsum),
  cumprod: transform("cumprod", ts.cumprod),
  sign: transform("sign", ts.sign),
  crossover,
  clip,
};
