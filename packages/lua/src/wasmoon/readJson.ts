import type { Json } from "@shoal/protocol";
import { jsonStringBytes } from "../jsonStringBytes.ts";
import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { MAX_DEPTH, ResultError } from "../convert/ResultError.ts";
import type { WasmoonRuntime } from "./WasmoonRuntime.ts";
import { viewAt } from "./tsView.ts";


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
  if (reader.bytes > maxBytes) throw ResultError.tooLarge(reader.bytes, maxBytes);
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
        throw ResultError.notConvertible(this.#rt.typeName(L, idx), path);
    }
  }

  #table(idx: number, path: string, depth: number): Json {
    const { x } = this.#rt;
    const L = this.#L;
    if (depth >= MAX_DEPTH) throw ResultError.tooDeep(path);
    const ptr = x.lua_topointer(L, idx);
    if (this.#path.has(ptr)) throw ResultError.cycle(path);
    if (x.lua_checkstack(L, 4) === 0) throw ResultError.noStack(path);
    const view = viewAt(this.#rt, L, idx);
    if (view !== undefined) return this.#view(view);
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
        throw ResultError.nonStringKey(path, key);
      }
      x.lua_settop(L, -2);
    }
    if (ints > 0 && strings > 0) throw ResultError.mixed(path);
    if (ints !== maxInt) throw ResultError.sparse(path);
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
        const item = this.read(x.lua_gettop(L), ResultError.childPath(path, key), depth + 1);
        x.lua_settop(L, -2);
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
    for (const v of a) {
      const value = Number.isFinite(v) ? v : null;
      this.bytes += JSON.stringify(value).length;
      if (this.bytes <= this.#maxBytes) items.push(value);
    }
    return items;
  }

  #string(idx: number, path: string): string {
    try {
      return this.#rt.heap.string(this.#L, idx, true);
    } catch {
      throw ResultError.invalidUtf8(path);
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

