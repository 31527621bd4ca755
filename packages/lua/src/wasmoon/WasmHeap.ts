import type { LuaExports, Ptr, State } from "./luaExports.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** Views of the wasm memory (renewed when it grows) and the string traffic between JavaScript and Lua. */
export class WasmHeap {
  readonly #x: LuaExports;
  #buffer: ArrayBuffer | null = null;
  #u8 = new Uint8Array(0);
  #u32 = new Uint32Array(0);
  #f64 = new Float64Array(0);
  #i64 = new BigInt64Array(0);
  readonly #constants = new Map<string, Ptr>();
  /** Where lua_tolstring writes lengths. */
  readonly #len: Ptr;
  #scratch: Ptr = 0;
  #scratchSize = 0;

  constructor(x: LuaExports) {
    this.#x = x;
    this.#len = x.malloc(8);
  }

  get u8(): Uint8Array {
    this.#refresh();
    return this.#u8;
  }

  get u32(): Uint32Array {
    this.#refresh();
    return this.#u32;
  }

  get f64(): Float64Array {
    this.#refresh();
    return this.#f64;
  }

  get i64(): BigInt64Array {
    this.#refresh();
    return this.#i64;
  }

  /** A NUL-terminated copy of `s` that lives as long as the heap (for names and other constants). */
  cstr(s: string): Ptr {
    let p = this.#constants.get(s);
    if (p === undefined) {
      const bytes = encoder.encode(`${s}\0`);
      p = this.#x.malloc(bytes.length);
      this.u8.set(bytes, p);
      this.#constants.set(s, p);
    }
    return p;
  }

  /** Copies `bytes` into a reusable buffer in wasm memory (valid until the next call) and returns its address. */
  stage(bytes: Uint8Array): Ptr {
    const p = this.#reserve(bytes.length);
    this.u8.set(bytes, p);
    return p;
  }

  /** `s` as a NUL-terminated string in the reusable buffer (valid until the next call). */
  stageCString(s: string): Ptr {
    return this.stage(encoder.encode(`${s}\0`));
  }

  /** Pushes `s` as a Lua string (UTF-8). */
  pushString(L: State, s: string): void {
    const p = this.#reserve(s.length * 3);
    const { written } = encoder.encodeInto(s, this.u8.subarray(p, p + s.length * 3));
    this.#x.lua_pushlstring(L, p, written);
  }

  /** luaL_checklstring's length of argument `arg` (raises Lua's error if it is not a string or number). */
  checkLength(L: State, arg: number): number {
    this.#x.luaL_checklstring(L, arg, this.#len);
    return this.u32[this.#len >> 2] as number;
  }

  /** The bytes of the string (or number, converted in place) at `idx`, copied. */
  bytes(L: State, idx: number): Uint8Array {
    const p = this.#x.lua_tolstring(L, idx, this.#len);
    return this.u8.slice(p, p + (this.u32[this.#len >> 2] as number));
  }

  /** The string at `idx` decoded as UTF-8; invalid bytes become U+FFFD, or throw a TypeError when `strict`. */
  string(L: State, idx: number, strict = false): string {
    const p = this.#x.lua_tolstring(L, idx, this.#len);
    const view = this.u8.subarray(p, p + (this.u32[this.#len >> 2] as number));
    return (strict ? strictDecoder : decoder).decode(view);
  }

  /** A NUL-terminated C string at `p`. */
  cString(p: Ptr): string {
    const u8 = this.u8;
    let end = p;
    while (u8[end] !== 0) end++;
    return decoder.decode(u8.subarray(p, end));
  }

  #reserve(size: number): Ptr {
    if (size > this.#scratchSize) {
      if (this.#scratch !== 0) this.#x.free(this.#scratch);
      this.#scratchSize = Math.max(size, 2 * this.#scratchSize, 4096);
      this.#scratch = this.#x.malloc(this.#scratchSize);
      if (this.#scratch === 0) throw new RangeError("wasmoon: out of wasm memory");
    }
    return this.#scratch;
  }

  #refresh(): void {
    const buffer = this.#x.memory.buffer;
    if (buffer === this.#buffer) return;
    this.#buffer = buffer;
    this.#u8 = new Uint8Array(buffer);
    this.#u32 = new Uint32Array(buffer);
    this.#f64 = new Float64Array(buffer);
    this.#i64 = new BigInt64Array(buffer);
  }
}
