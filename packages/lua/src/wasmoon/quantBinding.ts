import type { Json } from "@shoal/protocol";
import type { BacktestResult } from "../quant/backtest.ts";
import { backtest, combine } from "../quant/backtest.ts";
import type { BacktestParts } from "../quant/BacktestParts.ts";
import { parsePartsList } from "../quant/BacktestParts.ts";
import { builtinTable } from "../builtins/builtinTable.ts";
import { pushJson, seriesAt } from "./convert.ts";
import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { quantRun } from "./quantRun.ts";
import { arrayArg, fail, installVectorMetatable, pushView, toTable, toVector, typeName } from "./quantVector.ts";
import { ResultError } from "../convert/ResultError.ts";
import { readJson } from "./readJson.ts";
import { wasmoonBuiltins } from "./WasmoonBuiltinCall.ts";
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

/** The `quant` library on wasmoon: the shared builtins (indicators) and the vectors and backtests, as on fengari. */
const quantLib: Record<string, LibFunction> = {
  vector: toVector,
  table: toTable,
  columns,
  ...wasmoonBuiltins(builtinTable, "quant"),
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
