import type { Json } from "@shoal/protocol";
import fengari from "fengari";
import type { CFunction, LuaState } from "fengari";
import { callContext } from "../fengari/CallContext.ts";
import { pushJson, readJson, ResultError, seriesOf } from "../fengari/convert.ts";
import type { BacktestResult } from "./backtest.ts";
import { backtest, combine } from "./backtest.ts";
import type { BacktestParts } from "./BacktestParts.ts";
import { parsePartsList } from "./BacktestParts.ts";
import * as q from "./indicators.ts";
import { arrayArg, fail, installVectorMetatable, pushVector, pushView, toTable, toVector, typeName } from "./QuantVector.ts";
import { run } from "./runBinding.ts";
import { integerArg, optionalNumber } from "./luaArgs.ts";

const { lua } = fengari;
/** Largest JSON accepted per item by quant.combine. */
const MAX_PARTS_BYTES = 16 * 1024 * 1024;

/** Runs a kernel, turning its RangeErrors into Lua errors named after the function. */
function guarded<T>(L: LuaState, fn: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) fail(L, fn, e.message);
    throw e;
  }
}

const windowed =
  (fn: string, f: (a: Float64Array, n: number) => Float64Array, def?: number): CFunction =>
  (L) => {
    const a = arrayArg(L, fn, 1);
    const n = integerArg(L, fn, 2, "window", 1, def);
    callContext(L).guard.tick(L, a.length);
    pushVector(L, guarded(L, fn, () => f(a, n)));
    return 1;
  };

const withDdof =
  (fn: string, f: (a: Float64Array, n: number, ddof: number) => Float64Array): CFunction =>
  (L) => {
    const a = arrayArg(L, fn, 1);
    const n = integerArg(L, fn, 2, "window", 1);
    const ddof = integerArg(L, fn, 3, "ddof", 0, 1);
    callContext(L).guard.tick(L, 4 * a.length);
    pushVector(L, guarded(L, fn, () => f(a, n, ddof)));
    return 1;
  };

const lagged =
  (fn: string, f: (a: Float64Array, k: number) => Float64Array): CFunction =>
  (L) => {
    pushVector(L, guarded(L, fn, () => f(arrayArg(L, fn, 1), integerArg(L, fn, 2, "lag", -Infinity, 1))));
    return 1;
  };

/** Functions of (a, b) where b may be a number. */
const paired =
  (fn: string, f: (a: Float64Array, b: Float64Array | number) => Float64Array): CFunction =>
  (L) => {
    const a = arrayArg(L, fn, 1);
    const b = lua.lua_type(L, 2) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, 2) : arrayArg(L, fn, 2);
    if (typeof b !== "number" && b.length !== a.length) fail(L, fn, `lengths differ (${a.length} and ${b.length})`);
    pushVector(L, f(a, b));
    return 1;
  };

const macd: CFunction = (L) => {
  const a = arrayArg(L, "macd", 1);
  const fast = integerArg(L, "macd", 2, "fast period", 1, 12);
  const slow = integerArg(L, "macd", 3, "slow period", 1, 26);
  const signal = integerArg(L, "macd", 4, "signal period", 1, 9);
  const r = guarded(L, "macd", () => q.macd(a, fast, slow, signal));
  pushVector(L, r.macd);
  pushVector(L, r.signal);
  pushVector(L, r.histogram);
  return 3;
};

const bbands: CFunction = (L) => {
  const a = arrayArg(L, "bbands", 1);
  const n = integerArg(L, "bbands", 2, "window", 1, 20);
  const k = optionalNumber(L, "bbands", 3, "width", 2);
  callContext(L).guard.tick(L, 4 * a.length);
  const r = guarded(L, "bbands", () => q.bbands(a, n, k));
  pushVector(L, r.middle);
  pushVector(L, r.upper);
  pushVector(L, r.lower);
  return 3;
};

const hlc = (L: LuaState, fn: string) => {
  const [high, low, close] = [arrayArg(L, fn, 1), arrayArg(L, fn, 2), arrayArg(L, fn, 3)];
  if (high.length !== low.length || low.length !== close.length) fail(L, fn, "high, low and close must have the same length");
  return [high, low, close] as const;
};

const atr: CFunction = (L) => {
  const [high, low, close] = hlc(L, "atr");
  const n = integerArg(L, "atr", 4, "window", 1, 14);
  pushVector(L, q.atr(high, low, close, n));
  return 1;
};

const trueRange: CFunction = (L) => {
  pushVector(L, q.trueRange(...hlc(L, "true_range")));
  return 1;
};

const hold: CFunction = (L) => {
  const enter = arrayArg(L, "hold", 1);
  const exit = arrayArg(L, "hold", 2);
  if (enter.length !== exit.length) fail(L, "hold", `lengths differ (${enter.length} and ${exit.length})`);
  pushVector(L, q.hold(enter, exit, optionalNumber(L, "hold", 3, "size", 1)));
  return 1;
};

/** `quant.columns(series)`: the series' time and columns as read-only vectors (no Lua arrays built), with key and first. */
const columns: CFunction = (L) => {
  const series = seriesOf(L, 1);
  if (series === undefined) fail(L, "columns", `argument #1 must be the series passed to map (got ${typeName(L, 1)})`);
  const names = Object.keys(series.columns);
  lua.lua_createtable(L, 0, names.length + 3);
  lua.lua_pushstring(L, series.key);
  lua.lua_setfield(L, -2, "key");
  lua.lua_pushinteger(L, series.first);
  lua.lua_setfield(L, -2, "first");
  pushView(L, series.time);
  lua.lua_setfield(L, -2, "time");
  for (const name of names) {
    pushView(L, series.columns[name] as Float64Array);
    lua.lua_setfield(L, -2, name);
  }
  return 1;
};

/** Reads field `name` of the table at `idx` as an array (nil → undefined). */
function arrayField(L: LuaState, idx: number, name: string): Float64Array | undefined {
  lua.lua_getfield(L, idx, name);
  const a = lua.lua_isnoneornil(L, -1) ? undefined : arrayArg(L, "backtest", lua.lua_gettop(L), `field '${name}'`);
  lua.lua_pop(L, 1);
  return a;
}

function numberField(L: LuaState, idx: number, name: string): number | undefined {
  lua.lua_getfield(L, idx, name);
  const type = lua.lua_type(L, -1);
  const x = type === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : undefined;
  lua.lua_pop(L, 1);
  if (x === undefined && type !== lua.LUA_TNIL) fail(L, "backtest", `field '${name}' must be a number`);
  return x;
}

/** `quant.backtest{close=, position=, fee_bps=, slippage_bps=, first=, last=, time=, periods_per_year=, curve=}` (or series= for close, time and first). */
const backtestFn: CFunction = (L) => {
  if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) fail(L, "backtest", `argument must be a table of options (got ${typeName(L, 1)})`);
  lua.lua_getfield(L, 1, "series");
  const seriesIdx = lua.lua_gettop(L);
  const series = seriesOf(L, seriesIdx);
  const fromSeries = (name: string) =>
    series ? (name === "time" ? series.time : series.columns[name]) : lua.lua_type(L, seriesIdx) === lua.LUA_TTABLE ? arrayField(L, seriesIdx, name) : undefined;
  const close = arrayField(L, 1, "close") ?? fromSeries("close");
  const position = arrayField(L, 1, "position");
  if (close === undefined || position === undefined) fail(L, "backtest", "close and position are required");
  const time = arrayField(L, 1, "time") ?? fromSeries("time");
  const first = numberField(L, 1, "first") ?? series?.first ?? (lua.lua_type(L, seriesIdx) === lua.LUA_TTABLE ? numberField(L, seriesIdx, "first") : undefined);
  callContext(L).guard.tick(L, 4 * close.length);
  const result = guarded(L, "backtest", () =>
    backtest({
      close,
      position,
      time,
      first,
      last: numberField(L, 1, "last"),
      feeBps: numberField(L, 1, "fee_bps"),
      slippageBps: numberField(L, 1, "slippage_bps"),
      periodsPerYear: numberField(L, 1, "periods_per_year"),
      curve: numberField(L, 1, "curve"),
    }),
  );
  pushResult(L, result);
  return 1;
};

/** `quant.combine(list)`: backtest results, their parts or lists of them, of one series' slices in any order → the result of their union. */
const combineFn: CFunction = (L) => {
  if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) fail(L, "combine", `argument must be a list of backtest results (got ${typeName(L, 1)})`);
  const n = lua.lua_rawlen(L, 1);
  const list: BacktestParts[] = [];
  for (let i = 1; i <= n; i++) {
    lua.lua_rawgeti(L, 1, i);
    let json: Json;
    try {
      json = readJson(L, -1, MAX_PARTS_BYTES);
    } catch (e) {
      if (e instanceof ResultError) fail(L, "combine", `item ${i}: ${e.message.replace(/^result:? ?/, "")}`);
      throw e;
    }
    lua.lua_settop(L, 1);
    callContext(L).guard.tick(L, 32);
    list.push(...guarded(L, "combine", () => prefixed(`item ${i}: `, () => parsePartsList(json))));
  }
  pushResult(L, combine(list));
  return 1;
};

function prefixed<T>(prefix: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof RangeError ? new RangeError(prefix + e.message) : e;
  }
}

function pushResult(L: LuaState, result: BacktestResult): void {
  pushJson(L, result as unknown as Json);
}

/** The `quant` library: indicators, vectors and backtests from this folder, for fengari. */
export const quantLib: Record<string, CFunction> = {
  vector: toVector,
  table: toTable,
  columns,
  sma: windowed("sma", q.sma),
  ema: windowed("ema", q.ema),
  wma: windowed("wma", q.wma),
  stdev: withDdof("stdev", q.stdev),
  zscore: withDdof("zscore", q.zscore),
  rsi: windowed("rsi", q.rsi, 14),
  macd,
  bbands,
  atr,
  true_range: trueRange,
  rolling_min: windowed("rolling_min", q.rollingMin),
  rolling_max: windowed("rolling_max", q.rollingMax),
  returns: lagged("returns", q.returns),
  log_returns: lagged("log_returns", q.logReturns),
  shift: lagged("shift", q.shift),
  crossover: paired("crossover", q.crossover),
  crossunder: paired("crossunder", q.crossunder),
  above: paired("above", q.above),
  below: paired("below", q.below),
  hold,
  backtest: backtestFn,
  combine: combineFn,
  run,
};

/** Creates the vector metatable and pushes the `quant` library table; call once while building the sandbox. */
export function openQuant(L: LuaState): void {
  installVectorMetatable(L);
  lua.lua_createtable(L, 0, Object.keys(quantLib).length);
  for (const [name, fn] of Object.entries(quantLib)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}
