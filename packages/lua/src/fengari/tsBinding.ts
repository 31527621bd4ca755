import fengari from "fengari";
import type { CFunction, LuaState, Table } from "fengari";
import * as ts from "../ts/tsLibrary.ts";
import { callContext } from "./CallContext.ts";

const { lua, lauxlib, to_jsstring } = fengari;
const NUMBER = 3;

function fail(L: LuaState, name: string, message: string): never {
  return lauxlib.luaL_error(L, "%s", `ts.${name}: ${message}`);
}

/** Reads the Lua array at `arg` into a Float64Array, charging one instruction per element. */
export function readArray(L: LuaState, name: string, arg: number): Float64Array {
  if (lua.lua_type(L, arg) !== lua.LUA_TTABLE) {
    fail(L, name, `argument #${arg} must be an array of numbers (got ${typeName(L, arg)})`);
  }
  const n = lua.lua_rawlen(L, arg);
  callContext(L).guard.tick(L, n);
  // Read-only access to the table's storage: much faster than n lua_rawgeti calls.
  const t = lua.lua_topointer(L, arg) as Table;
  const out = new Float64Array(n);
  for (let i = 1; i <= n; i++) {
    const v = t.strong.get(i)?.value;
    if (v === undefined || (v.type & 15) !== NUMBER) {
      fail(L, name, `element ${i} of argument #${arg} is not a number (got ${v === undefined ? "nil" : typeOf(v.type)})`);
    }
    out[i - 1] = v.value as number;
  }
  return out;
}

/** Pushes a new Lua array of floats, charging one instruction per element. */
export function pushArray(L: LuaState, a: Float64Array): void {
  callContext(L).guard.tick(L, a.length);
  lua.lua_createtable(L, a.length, 0);
  for (let i = 0; i < a.length; i++) {
    lua.lua_pushnumber(L, a[i] as number);
    lua.lua_rawseti(L, -2, i + 1);
  }
}

function typeName(L: LuaState, arg: number): string {
  return to_jsstring(lauxlib.luaL_typename(L, arg));
}

function typeOf(type: number): string {
  return ["nil", "boolean", "userdata", "number", "string", "table", "function", "userdata", "thread"][type & 15] ?? "value";
}

function integerArg(L: LuaState, name: string, arg: number, what: string, min: number, def?: number): number {
  if (def !== undefined && lua.lua_isnoneornil(L, arg)) return def;
  const v = lua.lua_type(L, arg) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, arg) : NaN;
  if (!Number.isInteger(v) || v < min || Math.abs(v) > 2147483647) {
    fail(L, name, `${what} must be ${min > 0 ? "a positive integer" : "an integer"}`);
  }
  return v;
}

function numberArg(L: LuaState, name: string, arg: number, what: string): number {
  if (lua.lua_type(L, arg) !== lua.LUA_TNUMBER) fail(L, name, `${what} must be a number`);
  return lua.lua_tonumber(L, arg);
}

const reduction =
  (name: string, f: (a: Float64Array) => number): CFunction =>
  (L) => {
    lua.lua_pushnumber(L, f(readArray(L, name, 1)));
    return 1;
  };

const transform =
  (name: string, f: (a: Float64Array) => Float64Array): CFunction =>
  (L) => {
    pushArray(L, f(readArray(L, name, 1)));
    return 1;
  };

const windowed =
  (name: string, f: (a: Float64Array, n: number) => Float64Array): CFunction =>
  (L) => {
    const a = readArray(L, name, 1);
    const n = integerArg(L, name, 2, "window", 1);
    callContext(L).guard.tick(L, a.length);
    pushArray(L, f(a, n));
    return 1;
  };

const lagged =
  (name: string, f: (a: Float64Array, k: number) => Float64Array): CFunction =>
  (L) => {
    const a = readArray(L, name, 1);
    pushArray(L, f(a, integerArg(L, name, 2, "lag", -Infinity, 1)));
    return 1;
  };

const crossover: CFunction = (L) => {
  const a = readArray(L, "crossover", 1);
  let b: Float64Array | number;
  if (lua.lua_type(L, 2) === lua.LUA_TNUMBER) b = lua.lua_tonumber(L, 2);
  else {
    b = readArray(L, "crossover", 2);
    if (b.length !== a.length) fail(L, "crossover", `arrays must have the same length (${a.length} and ${b.length})`);
  }
  pushArray(L, ts.crossover(a, b));
  return 1;
};

const clip: CFunction = (L) => {
  const a = readArray(L, "clip", 1);
  const lo = numberArg(L, "clip", 2, "lower bound");
  const hi = numberArg(L, "clip", 3, "upper bound");
  if (!(lo <= hi)) fail(L, "clip", "lower bound must not exceed upper bound");
  pushArray(L, ts.clip(a, lo, hi));
  return 1;
};

const returns = lagged("returns", ts.returns);

/** The `ts` library: numeric kernels from tsLibrary.ts over Lua arrays of numbers. */
export const tsLib: Record<string, CFunction> = {
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
