import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import type { NotNumbers } from "../builtins/BuiltinCall.ts";
import type { WasmoonRuntime } from "./WasmoonRuntime.ts";

/** TValue type tags of a float and an integer; the low four bits of any tag are its basic type. */
const TAG_FLOAT = 0x13;
const TAG_INT = 0x03;
const TYPE_NAMES = ["nil", "boolean", "userdata", "number", "string", "table", "function", "userdata", "thread"];

/**
 * Reads the Lua array at `arg` (elements 1..#a, all numbers) into a Float64Array, charging
 * one instruction per element. Elements in the table's array part are read straight from
 * wasm memory; the rest one by one. Or says what is wrong with it.
 */
export function readNumbers(rt: WasmoonRuntime, L: State, arg: number): Float64Array | NotNumbers {
  const { x, heap } = rt;
  if (x.lua_type(L, arg) !== LUA.TTABLE) return { got: rt.typeName(L, arg) };
  const n = Number(x.lua_rawlen(L, arg));
  rt.current().guard.tick(n);
  const out = new Float64Array(n);
  const t = x.lua_topointer(L, arg);
  const u32 = heap.u32;
  const array = u32[(t + rt.tableArrayOffset) >> 2] as number;
  const direct = Math.min(n, u32[(t + rt.tableArrayOffset - 4) >> 2] as number);
  const u8 = heap.u8;
  const f64 = heap.f64;
  // Floats in a tight loop (one tag byte, one double); anything else leaves it for readTagged.
  let i = 0;
  for (let at = array >> 3, tag = array + 8; i < direct && u8[tag] === TAG_FLOAT; i++, at += 2, tag += 16) out[i] = f64[at] as number;
  if (i < direct) {
    const bad = readTagged(rt, array, i, direct, out);
    if (bad !== undefined) return bad;
  }
  for (let j = direct; j < n; j++) {
    const type = x.lua_rawgeti(L, arg, BigInt(j + 1));
    if (type !== LUA.TNUMBER) {
      const got = rt.typeName(L, -1);
      x.lua_settop(L, -2);
      return { element: j + 1, got };
    }
    out[j] = x.lua_tonumberx(L, -1, 0);
    x.lua_settop(L, -2);
  }
  return out;
}

/** Reads elements `from`..`to` − 1 of a table's array part at `array` into `out`: floats and integers, or what the first other value is. */
function readTagged(rt: WasmoonRuntime, array: number, from: number, to: number, out: Float64Array): NotNumbers | undefined {
  const { u8, f64, i64 } = rt.heap;
  for (let i = from, at = array + 16 * from; i < to; i++, at += 16) {
    const tag = u8[at + 8];
    if (tag === TAG_FLOAT) out[i] = f64[at >> 3] as number;
    else if (tag === TAG_INT) out[i] = Number(i64[at >> 3]);
    else return { element: i + 1, got: TYPE_NAMES[(tag as number) & 15] ?? "value" };
  }
  return undefined;
}

/** Pushes a new Lua array of floats holding `a`, written straight into its array part; one instruction per element. */
export function pushNumbers(rt: WasmoonRuntime, L: State, a: Float64Array): void {
  const { x, heap } = rt;
  rt.current().guard.tick(a.length);
  x.lua_createtable(L, a.length, 0);
  if (a.length === 0) return;
  const array = heap.u32[(x.lua_topointer(L, -1) + rt.tableArrayOffset) >> 2] as number;
  const f64 = heap.f64;
  const u8 = heap.u8;
  for (let i = 0, at = array >> 3, tag = array + 8; i < a.length; i++, at += 2, tag += 16) {
    f64[at] = a[i] as number;
    u8[tag] = TAG_FLOAT;
  }
}
