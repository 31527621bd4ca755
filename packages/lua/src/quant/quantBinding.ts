import type { Json } from "@shoal/protocol";
import fengari from "fengari";
import type { CFunction, LuaState } from "fengari";
import { callContext } from "../fengari/CallContext.ts";
import { ResultError } from "../convert/ResultError.ts";
import { pushJson, readJson, seriesOf } from "../fengari/convert.ts";
import type { BacktestResult } from "./backtest.ts";
import { backtest, combine } from "./backtest.ts";
import type { BacktestParts } from "./BacktestParts.ts";
import { parsePartsList } from "./BacktestParts.ts";
import { arrayArg, fail, installVectorMetatable, pushView, toTable, toVector, typeName } from "./QuantVector.ts";
import { run } from "./runBinding.ts";
import { builtinTable } from "../builtins/builtinTable.ts";
import { fengariBuiltins } from "../fengari/FengariBuiltinCall.ts";

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

/** The `quant` library for fengari: the shared builtins (indicators) and the vectors and backtests from this folder. */
export const quantLib: Record<string, CFunction> = {
  vector: toVector,
  table: toTable,
  columns,
  ...fengariBuiltins(builtinTable, "quant"),
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
