import type { Json } from "@shoal/protocol";
import type { BacktestResult } from "../quant/backtest.ts";
import { backtest, combine } from "../quant/backtest.ts";
import type { BacktestParts } from "../quant/BacktestParts.ts";
import { parsePartsList } from "../quant/BacktestParts.ts";
import * as q from "../quant/indicators.ts";
import { pushJson, seriesAt } from "./convert.ts";
import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { integerArg, optionalNumber } from "./quantArgs.ts";
import { quantRun } from "./quantRun.ts";
import { arrayArg, fail, installVectorMetatable, pushVector, pushView, toTable, toVector, typeName } from "./quantVector.ts";
import { readJson, ResultError } from "./readJson.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";

/** Largest JSON accepted per item by quant.combine. */
const MAX_PARTS_BYTES = 16 * 1024 * 1024;

/** Runs a kernel, turning its RangeErrors into errors named after the function. */
function guarded<T>(fn: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) fail(fn, e.message);
    throw e;
  }
}

const windowed =
  (fn: string, f: (a: Float64Array, n: number) => Float64Array, def?: number): LibFunction =>
  (rt, L) => {
    const a = arrayArg(rt, L, fn, 1);
    const n = integerArg(rt, L, fn, 2, "window", 1, def);
    rt.current().guard.tick(a.length);
    pushVector(rt, L, guarded(fn, () => f(a, n)));
    return 1;
  };

const withDdof =
  (fn: string, f: (a: Float64Array, n: number, ddof: number) => Float64Array): LibFunction =>
  (rt, L) => {
    const a = arrayArg(rt, L, fn, 1);
    const n = integerArg(rt, L, fn, 2, "window", 1);
    const ddof = integerArg(rt, L, fn, 3, "ddof", 0, 1);
    rt.current().guard.tick(4 * a.length);
    pushVector(rt, L, guarded(fn, () => f(a, n, ddof)));
    return 1;
  };

const lagged =
  (fn: string, f: (a: Float64Array, k: number) => Float64Array): LibFunction =>
  (rt, L) => {
    pushVector(rt, L, guarded(fn, () => f(arrayArg(rt, L, fn, 1), integerArg(rt, L, fn, 2, "lag", -Infinity, 1))));
    return 1;
  };

/** Functions of (a, b) where b may be a number. */
const paired =
  (fn: string, f: (a: Float64Array, b: Float64Array | number) => Float64Array): LibFunction =>
  (rt, L) => {
    const a = arrayArg(rt, L, fn, 1);
    const b = rt.x.lua_type(L, 2) === LUA.TNUMBER ? rt.x.lua_tonumberx(L, 2, 0) : arrayArg(rt, L, fn, 2);
    if (typeof b !== "number" && b.length !== a.length) fail(fn, `lengths differ (${a.length} and ${b.length})`);
    pushVector(rt, L, f(a, b));
    return 1;
  };

const macd: LibFunction = (rt, L) => {
  const a = arrayArg(rt, L, "macd", 1);
  const fast = integerArg(rt, L, "macd", 2, "fast period", 1, 12);
  const slow = integerArg(rt, L, "macd", 3, "slow period", 1, 26);
  const signal = integerArg(rt, L, "macd", 4, "signal period", 1, 9);
  const r = guarded("macd", () => q.macd(a, fast, slow, signal));
  pushVector(rt, L, r.macd);
  pushVector(rt, L, r.signal);
  pushVector(rt, L, r.histogram);
  return 3;
};

const bbands: LibFunction = (rt, L) => {
  const a = arrayArg(rt, L, "bbands", 1);
  const n = integerArg(rt, L, "bbands", 2, "window", 1, 20);
  const k = optionalNumber(rt, L, "bbands", 3, "width", 2);
  rt.current().guard.tick(4 * a.length);
  const r = guarded("bbands", () => q.bbands(a, n, k));
  pushVector(rt, L, r.middle);
  pushVector(rt, L, r.upper);
  pushVector(rt, L, r.lower);
  return 3;
};

function hlc(rt: WasmoonRuntime, L: State, fn: string): [Float64Array, Float64Array, Float64Array] {
  const [high, low, close] = [arrayArg(rt, L, fn, 1), arrayArg(rt, L, fn, 2), arrayArg(rt, L, fn, 3)];
  if (high.length !== low.length || low.length !== close.length) fail(fn, "high, low and close must have the same length");
  return [high, low, close];
}

const atr: LibFunction = (rt, L) => {
  const [high, low, close] = hlc(rt, L, "atr");
  pushVector(rt, L, q.atr(high, low, close, integerArg(rt, L, "atr", 4, "window", 1, 14)));
  return 1;
};

const trueRange: LibFunction = (rt, L) => {
  pushVector(rt, L, q.trueRange(...hlc(rt, L, "true_range")));
  return 1;
};

const hold: LibFunction = (rt, L) => {
  const enter = arrayArg(rt, L, "hold", 1);
  const exit = arrayArg(rt, L, "hold", 2);
  if (enter.length !== exit.length) fail("hold", `lengths differ (${enter.length} and ${exit.length})`);
  pushVector(rt, L, q.hold(enter, exit, optionalNumber(rt, L, "hold", 3, "size", 1)));
  return 1;
};

/** `quant.columns(series)`: the series' time and columns as read-only vectors (no Lua arrays built), with key and first. */
const columns: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  const series = seriesAt(rt, L, 1);
  if (series === undefined) fail("columns", `argument #1 must be the series passed to map (got ${typeName(rt, L, 1)})`);
  const names = Object.keys(series.columns);
  x.lua_createtable(L, 0, names.length + 3);
  heap.pushString(L, series.key);
  x.lua_setfield(L, -2, heap.cstr("key"));
  x.lua_pushinteger(L, BigInt(series.first));
  x.lua_setfield(L, -2, heap.cstr("first"));
  pushView(rt, L, series.time);
  x.lua_setfield(L, -2, heap.cstr("time"));
  for (const name of names) {
    heap.pushString(L, name);
    pushView(rt, L, series.columns[name] as Float64Array);
    x.lua_rawset(L, -3);
  }
  return 1;
};

/** Reads field `name` of the table at `idx` as an array (nil → undefined). */
function arrayField(rt: WasmoonRuntime, L: State, idx: number, name: string): Float64Array | undefined {
  const { x, heap } = rt;
  x.lua_getfield(L, idx, heap.cstr(name));
  const a = x.lua_type(L, -1) === LUA.TNIL ? undefined : arrayArg(rt, L, "backtest", x.lua_gettop(L), `field '${name}'`);
  x.lua_settop(L, -2);
  return a;
}

function numberField(rt: WasmoonRuntime, L: State, idx: number, name: string): number | undefined {
  const { x, heap } = rt;
  const type = x.lua_getfield(L, idx, heap.cstr(name));
  const v = type === LUA.TNUMBER ? x.lua_tonumberx(L, -1, 0) : undefined;
  x.lua_settop(L, -2);
  if (v === undefined && type !== LUA.TNIL) fail("backtest", `field '${name}' must be a number`);
  return v;
}

/** `quant.backtest{close=, position=, fee_bps=, slippage_bps=, first=, last=, time=, periods_per_year=, curve=}` (or series= for close, time and first). */
const backtestFn: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  if (x.lua_type(L, 1) !== LUA.TTABLE) fail("backtest", `argument must be a table of options (got ${typeName(rt, L, 1)})`);
  x.lua_getfield(L, 1, heap.cstr("series"));
  const seriesIdx = x.lua_gettop(L);
  const series = seriesAt(rt, L, seriesIdx);
  const isTable = x.lua_type(L, seriesIdx) === LUA.TTABLE;
  const fromSeries = (name: string) =>
    series ? (name === "time" ? series.time : series.columns[name]) : isTable ? arrayField(rt, L, seriesIdx, name) : undefined;
  const close = arrayField(rt, L, 1, "close") ?? fromSeries("close");
  const position = arrayField(rt, L, 1, "position");
  if (close === undefined || position === undefined) fail("backtest", "close and position are required");
  const time = arrayField(rt, L, 1, "time") ?? fromSeries("time");
  const first = numberField(rt, L, 1, "first") ?? series?.first ?? (isTable ? numberField(rt, L, seriesIdx, "first") : undefined);
  rt.current().guard.tick(4 * close.length);
  const result = guarded("backtest", () =>
    backtest({
      close,
      position,
      time,
      first,
      last: numberField(rt, L, 1, "last"),
      feeBps: numberField(rt, L, 1, "fee_bps"),
      slippageBps: numberField(rt, L, 1, "slippage_bps"),
      periodsPerYear: numberField(rt, L, 1, "periods_per_year"),
      curve: numberField(rt, L, 1, "curve"),
    }),
  );
  pushResult(rt, L, result);
  return 1;
};

/** `quant.combine(list)`: backtest results, their parts or lists of them, of one series' slices in any order → the result of their union. */
const combineFn: LibFunction = (rt, L) => {
  const { x } = rt;
  if (x.lua_type(L, 1) !== LUA.TTABLE) fail("combine", `argument must be a list of backtest results (got ${typeName(rt, L, 1)})`);
  const n = Number(x.lua_rawlen(L, 1));
  const list: BacktestParts[] = [];
  for (let i = 1; i <= n; i++) {
    x.lua_rawgeti(L, 1, BigInt(i));
    let json: Json;
    try {
      json = readJson(rt, L, -1, MAX_PARTS_BYTES);
    } catch (e) {
      if (e instanceof ResultError) fail("combine", `item ${i}: ${e.message.replace(/^result:? ?/, "")}`);
      throw e;
    }
    x.lua_settop(L, 1);
    rt.current().guard.tick(32);
    list.push(...guarded("combine", () => prefixed(`item ${i}: `, () => parsePartsList(json))));
  }
  pushResult(rt, L, combine(list));
  return 1;
};

function prefixed<T>(prefix: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof RangeError ? new RangeError(prefix + e.message) : e;
  }
}

function pushResult(rt: WasmoonRuntime, L: State, result: BacktestResult): void {
  pushJson(rt, L, result as unknown as Json);
}

/** The `quant` library on wasmoon: the kernels of src/quant with the fengari binding's names, arguments and messages. */
const quantLib: Record<string, LibFunction> = {
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
  run: quantRun,
};

/** Creates the vector metatable and sets the global `quant`; call while opening the sandbox. */
export function openQuant(rt: WasmoonRuntime, L: State): void {
  installVectorMetatable(rt, L);
  rt.x.lua_createtable(L, 0, Object.keys(quantLib).length);
  rt.setFunctions(L, quantLib);
  rt.x.lua_setglobal(L, rt.heap.cstr("quant"));
}
