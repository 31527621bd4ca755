import type { Json } from "@shoal/protocol";
import { jsonStringBytes } from "../jsonStringBytes.ts";
import { MAX_DEPTH, ResultError } from "./ResultError.ts";

/** Lua's own type codes (lua.h), the same in fengari and wasmoon. */
export const LUA_TYPE = { nil: 0, boolean: 1, number: 3, string: 4, table: 5 } as const;

/**
 * What reading a result needs of a Lua C API, on one state: each engine (fengari's API, wasmoon's
 * exports) adapts these few stack operations, and {@link readLuaJson} holds the rules once.
 * Indices are stack indices as in the C API; nothing here may raise a Lua error.
 */
export interface LuaStack {
  /** Lua's type code of the value at `idx` (see {@link LUA_TYPE}). */
  type(idx: number): number;
  /** Lua's name for the type of the value at `idx` ("function", "userdata", ...). */
  typeName(idx: number): string;
  toBoolean(idx: number): boolean;
  toNumber(idx: number): number;
  /** The string at `idx` as UTF-8 text, or undefined when its bytes are not valid UTF-8. */
  toText(idx: number): string | undefined;
  /** The integer key at `idx` when it is an integer ≥ 1, else undefined. */
  positiveInteger(idx: number): number | undefined;
  /** A key that is neither a string nor a positive integer, for the error: its value or its type. */
  describeKey(idx: number): string;
  /** The identity of the table at `idx`, for finding cycles. */
  pointer(idx: number): unknown;
  /** The numbers of the `ts` result at `idx`, when the table at `idx` is one. */
  view(idx: number): Float64Array | undefined;
  absIndex(idx: number): number;
  checkStack(n: number): boolean;
  pushNil(): void;
  next(idx: number): boolean;
  pop(n: number): void;
  top(): number;
  rawGetI(idx: number, i: number): void;
}

/**
 * Reads the Lua value at `idx` as JSON: tables with keys exactly 1..n become arrays, the empty
 * table [], tables with string keys objects (in traversal order); NaN and ±Inf become null as in
 * JSON.stringify; a `ts` result the array of its numbers. Anything else — mixed or non-string
 * keys, cycles, nesting past {@link MAX_DEPTH}, functions, invalid UTF-8, more than `maxBytes`
 * of JSON — throws a ResultError naming the path. Reads raw (no metamethods), raises no Lua errors.
 */
export function readLuaJson(stack: LuaStack, idx: number, maxBytes: number): Json {
  const reader = new JsonReader(stack, maxBytes);
  const value = reader.read(stack.absIndex(idx), "$", 0);
  if (reader.bytes > maxBytes) throw ResultError.tooLarge(reader.bytes, maxBytes);
  return value;
}

class JsonReader {
  bytes = 0;
  readonly #stack: LuaStack;
  readonly #maxBytes: number;
  readonly #path = new Set<unknown>();

  constructor(stack: LuaStack, maxBytes: number) {
    this.#stack = stack;
    this.#maxBytes = maxBytes;
  }

  read(idx: number, path: string, depth: number): Json {
    const s = this.#stack;
    switch (s.type(idx)) {
      case LUA_TYPE.nil:
        this.bytes += 4;
        return null;
      case LUA_TYPE.boolean: {
        const b = s.toBoolean(idx);
        this.bytes += b ? 4 : 5;
        return b;
      }
      case LUA_TYPE.number: {
        const n = s.toNumber(idx);
        const value = Number.isFinite(n) ? n : null;
        this.bytes += JSON.stringify(value).length;
        return value;
      }
      case LUA_TYPE.string: {
        const text = s.toText(idx);
        if (text === undefined) throw ResultError.invalidUtf8(path);
        this.bytes += jsonStringBytes(text);
        return text;
      }
      case LUA_TYPE.table:
        return this.#table(idx, path, depth);
      default:
        throw ResultError.notConvertible(s.typeName(idx), path);
    }
  }

  #table(idx: number, path: string, depth: number): Json {
    const s = this.#stack;
    if (depth >= MAX_DEPTH) throw ResultError.tooDeep(path);
    if (!s.checkStack(4)) throw ResultError.noStack(path);
    const view = s.view(idx);
    if (view !== undefined) return this.#view(view);
    const ptr = s.pointer(idx);
    if (this.#path.has(ptr)) throw ResultError.cycle(path);
    let ints = 0;
    let strings = 0;
    let maxInt = 0;
    s.pushNil();
    while (s.next(idx)) {
      const index = s.type(-2) === LUA_TYPE.string ? undefined : s.positiveInteger(-2);
      if (index !== undefined) {
        ints++;
        maxInt = Math.max(maxInt, index);
      } else if (s.type(-2) === LUA_TYPE.string) strings++;
      else {
        const key = s.describeKey(-2);
        s.pop(2);
        throw ResultError.nonStringKey(path, key);
      }
      s.pop(1);
    }
    if (ints > 0 && strings > 0) throw ResultError.mixed(path);
    if (ints !== maxInt) throw ResultError.sparse(path);
    this.#path.add(ptr);
    let out: Json;
    if (strings === 0) {
      const items: Json[] = [];
      this.bytes += 1 + Math.max(1, ints);
      for (let i = 1; i <= ints; i++) {
        s.rawGetI(idx, i);
        const item = this.read(s.top(), `${path}[${i}]`, depth + 1);
        s.pop(1);
        if (this.bytes <= this.#maxBytes) items.push(item);
      }
      out = items;
    } else {
      const obj: { [key: string]: Json } = {};
      this.bytes += 1 + strings;
      s.pushNil();
      while (s.next(idx)) {
        const key = s.toText(-2);
        if (key === undefined) {
          s.pop(2);
          throw ResultError.invalidUtf8(`${path} (a key)`);
        }
        this.bytes += jsonStringBytes(key) + 1;
        const item = this.read(s.top(), ResultError.childPath(path, key), depth + 1);
        s.pop(1);
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
}
