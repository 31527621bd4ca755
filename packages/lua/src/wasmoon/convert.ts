import type { Json } from "@shoal/protocol";
import { MAX_DEPTH } from "../convert/ResultError.ts";
import type { SeriesInput } from "../LuaEngine.ts";
import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { LibError } from "./LibError.ts";
import { pushNumbers } from "./luaArrays.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * Pushes a JSON value as the fengari engine does, so scripts see the same types on both:
 * integers within 32 bits become Lua integers, other numbers floats, arrays 1-based tables,
 * objects tables with string keys, null nil. Call inside a protected call.
 */
export function pushJson(rt: WasmoonRuntime, L: State, value: Json, depth = 0): void {
  const { x, heap } = rt;
  if (value === null) x.lua_pushnil(L);
  else if (typeof value === "boolean") x.lua_pushboolean(L, value ? 1 : 0);
  else if (typeof value === "number") {
    if (Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX) x.lua_pushinteger(L, BigInt(value));
    else x.lua_pushnumber(L, value);
  } else if (typeof value === "string") heap.pushString(L, value);
  else {
    if (depth >= MAX_DEPTH) throw new LibError(`input nested deeper than ${MAX_DEPTH} levels`);
    if (x.lua_checkstack(L, 3) === 0) throw new LibError("input too deep");
    if (Array.isArray(value)) {
      x.lua_createtable(L, value.length, 0);
      value.forEach((item, i) => {
        if (item === null) return;
        pushJson(rt, L, item, depth + 1);
        x.lua_rawseti(L, -2, BigInt(i + 1));
      });
    } else {
      const entries = Object.entries(value);
      x.lua_createtable(L, 0, entries.length);
      for (const [key, item] of entries) {
        if (item === null) continue;
        heap.pushString(L, key);
        pushJson(rt, L, item, depth + 1);
        x.lua_rawset(L, -3);
      }
    }
  }
}

/**
 * Pushes the `series` table: `key`, `first`, and `time` plus each column as 1-based arrays
 * of floats, built on first access through `__index` and then cached in the table (so
 * `pairs(series)` only shows what was touched). Each element costs one instruction.
 */
export function pushSeries(rt: WasmoonRuntime, L: State, series: SeriesInput): void {
  const { x, heap } = rt;
  const call = rt.current();
  x.lua_createtable(L, 0, 4);
  call.series = series;
  call.seriesTable = x.lua_topointer(L, -1);
  heap.pushString(L, series.key);
  x.lua_setfield(L, -2, heap.cstr("key"));
  x.lua_pushinteger(L, BigInt(series.first));
  x.lua_setfield(L, -2, heap.cstr("first"));
  x.lua_createtable(L, 0, 1);
  rt.setFunctions(L, { __index: seriesIndex });
  x.lua_setmetatable(L, -2);
}

const seriesIndex: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  const series = rt.current().series;
  if (series === undefined || x.lua_type(L, 2) !== LUA.TSTRING) return 0;
  const name = heap.string(L, 2);
  const column = name === "time" ? series.time : Object.hasOwn(series.columns, name) ? series.columns[name] : undefined;
  if (column === undefined) return 0;
  pushNumbers(rt, L, column);
  x.lua_pushvalue(L, 2);
  x.lua_pushvalue(L, -2);
  x.lua_rawset(L, 1);
  return 1;
};

/** The SeriesInput behind the `series` table at `idx`, if it is the one this call's map received. */
export function seriesAt(rt: WasmoonRuntime, L: State, idx: number): SeriesInput | undefined {
  const call = rt.current();
  return rt.x.lua_type(L, idx) === LUA.TTABLE && rt.x.lua_topointer(L, idx) === call.seriesTable ? call.series : undefined;
}
