import type { Json } from "@shoal/protocol";
import { jsonStringBytes } from "../jsonStringBytes.ts";
import type { SeriesInput } from "../LuaEngine.ts";
import { MAX_DEPTH, ResultError } from "../convert/ResultError.ts";
import { columnCache } from "./ColumnCache.ts";
import { LuaTable } from "./LuaTable.ts";
import { COMPILED_HEAP_COST, chargeHeap } from "./memory.ts";
import { typeName } from "./runtime.ts";
import { viewOf } from "./tsView.ts";
import { LuaFloat, LuaThrow, float, type LuaFunction, type LuaValue } from "./values.ts";

const encoder = new TextEncoder();
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A JS string as a Lua byte string (its UTF-8 bytes, one char code each). */
export function luaString(s: string): string {
  const bytes = encoder.encode(s);
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/**
 * A JSON value as Lua: integers within 32 bits become integers, other numbers floats, arrays
 * 1-based tables (nulls leave holes), objects tables with string keys, null nil — as on the
 * other engines.
 */
export function jsonToLua(value: Json, depth = 0): LuaValue {
  if (value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX ? value : float(value);
  if (typeof value === "string") return luaString(value);
  if (depth >= MAX_DEPTH) throw new LuaThrow(`input nested deeper than ${MAX_DEPTH} levels`);
  const t = new LuaTable();
  if (Array.isArray(value)) {
    // Holes stay in the array part, as the other engines' preallocated arrays keep them: `#` counts to the last element.
    const items = value.map((item) => (item === null ? undefined : jsonToLua(item, depth + 1)));
    while (items.length > 0 && items[items.length - 1] === undefined) items.pop();
    chargeHeap(items.length * COMPILED_HEAP_COST.entry);
    t.arr = items;
  } else for (const [key, item] of Object.entries(value)) if (item !== null) t.set(luaString(key), jsonToLua(item, depth + 1));
  return t;
}

/**
 * The `series` table: `key`, `first`, and `time` plus each column as 1-based arrays of floats,
 * built on first access through `__index` and then kept in the table (so `pairs(series)` only
 * shows what was touched), as on the other engines. `tick(n)` charges the elements built. A
 * column's array comes from {@link columnCache}, shared: the table is marked borrowed, so its
 * first write copies it and no other call sees the change.
 */
export function seriesToLua(series: SeriesInput, tick: (n: number) => void): LuaTable {
  const t = new LuaTable();
  t.set("key", luaString(series.key));
  t.set("first", series.first);
  const meta = new LuaTable();
  meta.set("__index", ((self, k) => {
    if (typeof k !== "string") return [undefined];
    const column = k === "time" ? series.time : Object.hasOwn(series.columns, k) ? series.columns[k] : undefined;
    if (column === undefined) return [undefined];
    tick(column.length);
    const arr = new LuaTable();
    arr.arr = columnCache.convert(column) as LuaValue[];
    arr.borrowed = true;
    (self as LuaTable).set(k, arr);
    return [arr];
  }) as LuaFunction);
  t.metatable = meta;
  return t;
}

/**
 * Reads a Lua value as JSON with the other engines' rules (see fengari/convert.ts readJson):
 * tables with keys exactly 1..n become arrays, the empty table [], tables with string keys
 * objects in insertion order, NaN and ±inf null; anything else throws a ResultError naming the
 * path. Reads raw (no metamethods).
 */
export function luaToJson(v: LuaValue, maxBytes: number): Json {
  const reader = new JsonReader(maxBytes);
  const value = reader.read(v, "$", 0);
  if (reader.bytes > maxBytes) throw ResultError.tooLarge(reader.bytes, maxBytes);
  return value;
}

class JsonReader {
  bytes = 0;
  readonly #maxBytes: number;
  readonly #path = new Set<LuaTable>();

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  read(v: LuaValue, path: string, depth: number): Json {
    if (v === undefined) {
      this.bytes += 4;
      return null;
    }
    if (typeof v === "boolean") {
      this.bytes += v ? 4 : 5;
      return v;
    }
    if (typeof v === "number" || typeof v === "bigint" || v instanceof LuaFloat) return this.#number(typeof v === "object" ? v.n : Number(v));
    if (typeof v === "string") {
      const s = decode(v, path);
      this.bytes += jsonStringBytes(s);
      return s;
    }
    if (v instanceof LuaTable) return this.#table(v, path, depth);
    throw ResultError.notConvertible(typeName(v), path);
  }

  #number(n: number): Json {
    const value = Number.isFinite(n) ? n : null;
    this.bytes += JSON.stringify(value).length;
    return value;
  }

  #table(t: LuaTable, path: string, depth: number): Json {
    if (depth >= MAX_DEPTH) throw ResultError.tooDeep(path);
    const view = viewOf(t);
    if (view !== undefined) {
      this.bytes += 1 + Math.max(1, view.length);
      const items: Json[] = [];
      for (const x of view) {
        const item = this.#number(x);
        if (this.bytes <= this.#maxBytes) items.push(item);
      }
      return items;
    }
    if (this.#path.has(t)) throw ResultError.cycle(path);
    let ints = 0;
    let strings = 0;
    let maxInt = 0;
    for (const item of t.arr) if (item !== undefined) ints++;
    maxInt = ints > 0 ? t.arr.length : 0;
    for (const [k, item] of t.hash) {
      if (item === undefined) continue;
      if (typeof k === "string") strings++;
      else if (typeof k === "number" && Number.isInteger(k) && k >= 1) {
        ints++;
        maxInt = Math.max(maxInt, k);
      } else if (typeof k === "bigint" && k >= 1n) {
        ints++;
        maxInt = Infinity;
      } else throw ResultError.nonStringKey(path, describeKey(k));
    }
    if (ints > 0 && strings > 0) throw ResultError.mixed(path);
    if (ints !== maxInt) throw ResultError.sparse(path);
    this.#path.add(t);
    let out: Json;
    if (strings === 0) {
      const items: Json[] = [];
      this.bytes += 1 + Math.max(1, ints);
      for (let i = 1; i <= ints; i++) {
        const item = this.read(t.get(i), `${path}[${i}]`, depth + 1);
        if (this.bytes <= this.#maxBytes) items.push(item);
      }
      out = items;
    } else {
      const obj: { [key: string]: Json } = {};
      this.bytes += 1 + strings;
      for (const [k, item] of t.hash) {
        if (item === undefined) continue;
        const key = decode(k as string, `${path} (a key)`);
        this.bytes += jsonStringBytes(key) + 1;
        const value = this.read(item, ResultError.childPath(path, key), depth + 1);
        if (this.bytes <= this.#maxBytes) obj[key] = value;
      }
      out = obj;
    }
    this.#path.delete(t);
    return out;
  }
}

function decode(s: string, path: string): string {
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw ResultError.invalidUtf8(path);
  }
}

function describeKey(k: unknown): string {
  if (typeof k === "number") return Number.isInteger(k) ? String(k) : String(k);
  if (typeof k === "boolean") return String(k);
  if (k instanceof LuaTable) return "table";
  if (typeof k === "function") return "function";
  return typeName(k as LuaValue);
}
