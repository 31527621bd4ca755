import type { Json } from "@shoal/protocol";
import fengari from "fengari";
import type { LuaState, Table } from "fengari";
import { jsonStringBytes } from "../jsonStringBytes.ts";
import type { SeriesInput } from "../LuaEngine.ts";
import { MAX_DEPTH, ResultError } from "../convert/ResultError.ts";
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
 * Reads the Lua value at `idx` as JSON: tables with keys exactly 1..n become arrays, the
 * empty table [], tables with string keys objects (in insertion order); NaN and ±Inf
 * become null as in JSON.stringify. Anything else — mixed or non-string keys, cycles,
 * nesting past 64, functions, invalid UTF-8, more than `maxBytes` of JSON — throws a
 * ResultError naming the path. Reads raw (no metamethods) and never raises Lua errors.
 */
export function readJson(L: LuaState, idx: number, maxBytes: number): Json {
  const reader = new JsonReader(L, maxBytes);
  const value = reader.read(lua.lua_absindex(L, idx), "$", 0);
  if (reader.bytes > maxBytes) throw ResultError.tooLarge(reader.bytes, maxBytes);
  return value;
}

class JsonReader {
  bytes = 0;
  readonly #L: LuaState;
  readonly #maxBytes: number;
  readonly #path = new Set<unknown>();

  constructor(L: LuaState, maxBytes: number) {
    this.#L = L;
    this.#maxBytes = maxBytes;
  }

  read(idx: number, path: string, depth: number): Json {
    const L = this.#L;
    switch (lua.lua_type(L, idx)) {
      case lua.LUA_TNIL:
        this.bytes += 4;
        return null;
      case lua.LUA_TBOOLEAN: {
        const b = lua.lua_toboolean(L, idx);
        this.bytes += b ? 4 : 5;
        return b;
      }
      case lua.LUA_TNUMBER: {
        const n = lua.lua_tonumber(L, idx);
        const value = Number.isFinite(n) ? n : null;
        this.bytes += JSON.stringify(value).length;
        return value;
      }
      case lua.LUA_TSTRING: {
        const s = this.#string(lua.lua_tostring(L, idx) as Uint8Array, path);
        this.bytes += jsonStringBytes(s);
        return s;
      }
      case lua.LUA_TTABLE:
        return this.#table(idx, path, depth);
      default:
        throw ResultError.notConvertible(typeName(L, idx), path);
    }
  }

  #table(idx: number, path: string, depth: number): Json {
    const L = this.#L;
    if (depth >= MAX_DEPTH) throw ResultError.tooDeep(path);
    const ptr = lua.lua_topointer(L, idx);
    const view = viewOf(ptr as Table);
    if (view !== undefined) return this.#view(view);
    if (this.#path.has(ptr)) throw ResultError.cycle(path);
    if (!lua.lua_checkstack(L, 4)) throw ResultError.noStack(path);
    let ints = 0;
    let strings = 0;
    let maxInt = 0;
    lua.lua_pushnil(L);
    while (lua.lua_next(L, idx)) {
      const type = lua.lua_type(L, -2);
      if (type === lua.LUA_TSTRING) strings++;
      else if (type === lua.LUA_TNUMBER && lua.lua_isinteger(L, -2) && lua.lua_tointeger(L, -2) >= 1) {
        ints++;
        maxInt = Math.max(maxInt, lua.lua_tointeger(L, -2));
      } else {
        const key = lua.lua_type(L, -2) === lua.LUA_TTABLE ? "table" : describeKey(L, -2);
        lua.lua_pop(L, 2);
        throw ResultError.nonStringKey(path, key);
      }
      lua.lua_pop(L, 1);
    }
    if (ints > 0 && strings > 0) throw ResultError.mixed(path);
    if (ints !== maxInt) throw ResultError.sparse(path);
    this.#path.add(ptr);
    let out: Json;
    if (strings === 0) {
      const items: Json[] = [];
      this.bytes += 1 + Math.max(1, ints);
      for (let i = 1; i <= ints; i++) {
        lua.lua_rawgeti(L, idx, i);
        const item = this.read(lua.lua_gettop(L), `${path}[${i}]`, depth + 1);
        lua.lua_pop(L, 1);
        if (this.bytes <= this.#maxBytes) items.push(item);
      }
      out = items;
    } else {
      const obj: { [key: string]: Json } = {};
      this.bytes += 1 + strings;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, idx)) {
        const key = this.#string(lua.lua_tostring(L, -2) as Uint8Array, `${path} (a key)`);
        this.bytes += jsonStringBytes(key) + 1;
        const item = this.read(lua.lua_gettop(L), ResultError.childPath(path, key), depth + 1);
        lua.lua_pop(L, 1);
        if (this.bytes <= this.#maxBytes) obj[key] = item;
      }
      out = obj;
    }
    this.#path.delete(ptr);
    return out;
  }

  /** A `ts` result: the JSON array its elements would make as a table of floats. */
  #view(a: Float64Array): Json {
    this.bytes += 1 + Math.max(1, a.length);
    const items: Json[] = [];
    for (const x of a) {
      const value = Number.isFinite(x) ? x : null;
      this.bytes += JSON.stringify(value).length;
      if (this.bytes <= this.#maxBytes) items.push(value);
    }
    return items;
  }

  #string(bytes: Uint8Array, path: string): string {
    try {
      return to_jsstring(bytes);
    } catch {
      throw ResultError.invalidUtf8(path);
    }
  }
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
