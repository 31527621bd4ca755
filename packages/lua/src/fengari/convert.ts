import type { Json } from "@shoal/protocol";
import fengari from "fengari";
import type { LuaState, Table } from "fengari";
import type { SeriesInput } from "../LuaEngine.ts";
import { MAX_DEPTH } from "../convert/ResultError.ts";
import type { LuaStack } from "../convert/readLuaJson.ts";
import { readLuaJson } from "../convert/readLuaJson.ts";
import { pushNumberTable } from "./numberTable.ts";
import { viewOf } from "./tsView.ts";

const { lua, lauxlib, to_jsstring, to_luastring } = fengari;
const KEY = to_luastring("key");
const FIRST = to_luastring("first");
const INDEX = to_luastring("__index");

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * Pushes a JSON value: integers within 32 bits become Lua integers, other numbers floats,
 * arrays 1-based tables, objects tables with string keys, null nil. Call inside a
 * protected call (it raises Lua errors).
 */
export function pushJson(L: LuaState, value: Json, depth = 0): void {
  if (value === null) lua.lua_pushnil(L);
  else if (typeof value === "boolean") lua.lua_pushboolean(L, value);
  else if (typeof value === "number") {
    if (Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX) lua.lua_pushinteger(L, value);
    else lua.lua_pushnumber(L, value);
  } else if (typeof value === "string") lua.lua_pushstring(L, value);
  else {
    if (depth >= MAX_DEPTH) lauxlib.luaL_error(L, "input nested deeper than %d levels", MAX_DEPTH);
    lauxlib.luaL_checkstack(L, 3, "input too deep");
    if (Array.isArray(value)) {
      lua.lua_createtable(L, value.length, 0);
      value.forEach((item, i) => {
        if (item === null) return;
        pushJson(L, item, depth + 1);
        lua.lua_rawseti(L, -2, i + 1);
      });
    } else {
      const entries = Object.entries(value);
      lua.lua_createtable(L, 0, entries.length);
      for (const [key, item] of entries) {
        if (item === null) continue;
        lua.lua_pushstring(L, key);
        pushJson(L, item, depth + 1);
        lua.lua_rawset(L, -3);
      }
    }
  }
}

/**
 * Pushes the `series` table: `key`, `first`, and `time` plus each column as 1-based
 * arrays of floats, built on first access through `__index` and then cached in the table
 * (so `pairs(series)` only shows what was touched). Each element costs one instruction.
 */
export function pushSeries(L: LuaState, series: SeriesInput): void {
  lua.lua_createtable(L, 0, 4);
  seriesTables.set(lua.lua_topointer(L, -1) as object, series);
  lua.lua_pushstring(L, series.key);
  lua.lua_setfield(L, -2, KEY);
  lua.lua_pushinteger(L, series.first);
  lua.lua_setfield(L, -2, FIRST);
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushcfunction(L, (L) => {
    if (lua.lua_type(L, 2) !== lua.LUA_TSTRING) return 0;
    const name = to_jsstring(lua.lua_tostring(L, 2) as Uint8Array, 0, undefined, true);
    const column = name === "time" ? series.time : Object.hasOwn(series.columns, name) ? series.columns[name] : undefined;
    if (column === undefined) return 0;
    pushNumberTable(L, column);
    lua.lua_pushvalue(L, 2);
    lua.lua_pushvalue(L, -2);
    lua.lua_rawset(L, 1);
    return 1;
  });
  lua.lua_setfield(L, -2, INDEX);
  lua.lua_setmetatable(L, -2);
}

const seriesTables = new WeakMap<object, SeriesInput>();

/** The SeriesInput behind a `series` table made by pushSeries, so libraries (quant) can read columns without building Lua arrays. */
export function seriesOf(L: LuaState, idx: number): SeriesInput | undefined {
  return lua.lua_type(L, idx) === lua.LUA_TTABLE ? seriesTables.get(lua.lua_topointer(L, idx) as object) : undefined;
}


/**
 * Reads the Lua value at `idx` as JSON with the rules of {@link readLuaJson} (shared with
 * wasmoon), over fengari's stack. Never raises Lua errors.
 */
export function readJson(L: LuaState, idx: number, maxBytes: number): Json {
  return readLuaJson(fengariStack(L), idx, maxBytes);
}

/** {@link LuaStack} over a fengari state. */
function fengariStack(L: LuaState): LuaStack {
  return {
    type: (idx) => lua.lua_type(L, idx),
    typeName: (idx) => typeName(L, idx),
    toBoolean: (idx) => lua.lua_toboolean(L, idx),
    toNumber: (idx) => lua.lua_tonumber(L, idx),
    toText: (idx) => {
      try {
        return to_jsstring(lua.lua_tostring(L, idx) as Uint8Array);
      } catch {
        return undefined;
      }
    },
    positiveInteger: (idx) => {
      if (lua.lua_type(L, idx) !== lua.LUA_TNUMBER || !lua.lua_isinteger(L, idx)) return undefined;
      const n = lua.lua_tointeger(L, idx);
      return n >= 1 ? n : undefined;
    },
    describeKey: (idx) => describeKey(L, idx),
    pointer: (idx) => lua.lua_topointer(L, idx),
    view: (idx) => viewOf(lua.lua_topointer(L, idx) as Table),
    absIndex: (idx) => lua.lua_absindex(L, idx),
    checkStack: (n) => lua.lua_checkstack(L, n),
    pushNil: () => lua.lua_pushnil(L),
    next: (idx) => Boolean(lua.lua_next(L, idx)),
    pop: (n) => lua.lua_pop(L, n),
    top: () => lua.lua_gettop(L),
    rawGetI: (idx, i) => {
      lua.lua_rawgeti(L, idx, i);
    },
  };
}

function typeName(L: LuaState, idx: number): string {
  return to_jsstring(lauxlib.luaL_typename(L, idx));
}

function describeKey(L: LuaState, idx: number): string {
  const type = lua.lua_type(L, idx);
  if (type === lua.LUA_TNUMBER) return String(lua.lua_tonumber(L, idx));
  if (type === lua.LUA_TBOOLEAN) return String(lua.lua_toboolean(L, idx));
  return typeName(L, idx);
}
