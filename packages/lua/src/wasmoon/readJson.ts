import type { Json } from "@shoal/protocol";
import { jsonStringBytes } from "../jsonStringBytes.ts";
import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { MAX_DEPTH } from "./convert.ts";
import type { WasmoonRuntime } from "./WasmoonRuntime.ts";

/** Why a call's value cannot become JSON; `message` starts with "result". */
export class ResultError extends Error {}

/**
 * Reads the Lua value at `idx` as JSON, with the fengari engine's rules: tables with keys
 * exactly 1..n become arrays, the empty table [], tables with string keys objects; NaN and
 * ±Inf become null. Anything else — mixed or non-string keys, cycles, nesting past 64,
 * functions, invalid UTF-8, more than `maxBytes` of JSON — throws a ResultError naming the
 * path. Reads raw (no metamethods) and raises no Lua errors.
 */
export function readJson(rt: WasmoonRuntime, L: State, idx: number, maxBytes: number): Json {
  const reader = new JsonReader(rt, L, maxBytes);
  const value = reader.read(rt.x.lua_absindex(L, idx), "$", 0);
  if (reader.bytes > maxBytes) throw new ResultError(`result too large (${reader.bytes} bytes > limit ${maxBytes})`);
  return value;
}

class JsonReader {
  bytes = 0;
  readonly #rt: WasmoonRuntime;
  readonly #L: State;
  readonly #maxBytes: number;
  readonly #path = new Set<number>();

  constructor(rt: WasmoonRuntime, L: State, maxBytes: number) {
    this.#rt = rt;
    this.#L = L;
    this.#maxBytes = maxBytes;
  }

  read(idx: number, path: string, depth: number): Json {
    const { x } = this.#rt;
    const L = this.#L;
    switch (x.lua_type(L, idx)) {
      case LUA.TNIL:
        this.bytes += 4;
        return null;
      case LUA.TBOOLEAN: {
        const b = x.lua_toboolean(L, idx) !== 0;
        this.bytes += b ? 4 : 5;
        return b;
      }
      case LUA.TNUMBER: {
        const n = x.lua_tonumberx(L, idx, 0);
        const value = Number.isFinite(n) ? n : null;
        this.bytes += JSON.stringify(value).length;
        return value;
      }
      case LUA.TSTRING: {
        const s = this.#string(idx, path);
        this.bytes += jsonStringBytes(s);
        return s;
      }
      case LUA.TTABLE:
        return this.#table(idx, path, depth);
      default:
        throw new ResultError(`result: ${this.#rt.typeName(L, idx)} at ${path} cannot be converted to JSON`);
    }
  }

  #table(idx: number, path: string, depth: number): Json {
    const { x } = this.#rt;
    const L = this.#L;
    if (depth >= MAX_DEPTH) throw new ResultError(`result: table at ${path} is nested deeper than ${MAX_DEPTH} levels`);
    const ptr = x.lua_topointer(L, idx);
    if (this.#path.has(ptr)) throw new ResultError(`result: table at ${path} contains itself (cycle)`);
    if (x.lua_checkstack(L, 4) === 0) throw new ResultError(`result: table at ${path} is nested too deeply`);
    let ints = 0;
    let strings = 0;
    let maxInt = 0;
    x.lua_pushnil(L);
    while (x.lua_next(L, idx) !== 0) {
      const type = x.lua_type(L, -2);
      if (type === LUA.TSTRING) strings++;
      else if (type === LUA.TNUMBER && x.lua_isinteger(L, -2) !== 0 && x.lua_tointegerx(L, -2, 0) >= 1n) {
        ints++;
        maxInt = Math.max(maxInt, Number(x.lua_tointegerx(L, -2, 0)));
      } else {
        const key = this.#describeKey(-2);
        x.lua_settop(L, -3);
        throw new ResultError(`result: table at ${path} has a non-string key (${key})`);
      }
      x.lua_settop(L, -2);
    }
    if (ints > 0 && strings > 0) throw new ResultError(`result: table at ${path} mixes array items and string keys`);
    if (ints !== maxInt) throw new ResultError(`result: table at ${path} is a sparse array (keys must be exactly 1..n)`);
    this.#path.add(ptr);
    let out: Json;
    if (strings === 0) {
      const items: Json[] = [];
      this.bytes += 1 + Math.max(1, ints);
      for (let i = 1; i <= ints; i++) {
        x.lua_rawgeti(L, idx, BigInt(i));
        const item = this.read(x.lua_gettop(L), `${path}[${i}]`, depth + 1);
        x.lua_settop(L, -2);
        if (this.bytes <= this.#maxBytes) items.push(item);
      }
      out = items;
    } else {
      const obj: { [key: string]: Json } = {};
      this.bytes += 1 + strings;
      x.lua_pushnil(L);
      while (x.lua_next(L, idx) !== 0) {
        const key = this.#string(-2, `${path} (a key)`);
        this.bytes += jsonStringBytes(key) + 1;
        const item = this.read(x.lua_gettop(L), childPath(path, key), depth + 1);
        x.lua_settop(L, -2);
        if (this.bytes <= this.#maxBytes) obj[key] = item;
      }
      out = obj;
    }
    this.#path.delete(ptr);
    return out;
  }

  #string(idx: number, path: string): string {
    try {
      return this.#rt.heap.string(this.#L, idx, true);
    } catch {
      throw new ResultError(`result: string at ${path} is not valid UTF-8`);
    }
  }

  #describeKey(idx: number): string {
    const { x } = this.#rt;
    const L = this.#L;
    const type = x.lua_type(L, idx);
    if (type === LUA.TNUMBER) return String(x.lua_isinteger(L, idx) !== 0 ? x.lua_tointegerx(L, idx, 0) : x.lua_tonumberx(L, idx, 0));
    if (type === LUA.TBOOLEAN) return String(x.lua_toboolean(L, idx) !== 0);
    return this.#rt.typeName(L, idx);
  }
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
