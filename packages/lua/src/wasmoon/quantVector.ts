import { LibError } from "./LibError.ts";
import { LUA } from "./luaExports.ts";
import type { Ptr, State } from "./luaExports.ts";
import { readNumbers } from "../builtins/ArgShape.ts";
import { pushNumbers } from "./luaArrays.ts";
import { vectorMetamethods } from "../builtins/vectorMetamethods.ts";
import { WasmoonBuiltinCall, wasmoonFunction } from "./WasmoonBuiltinCall.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";

/** Registry name of the vectors' metatable. */
const META = "shoal.quant.vector";
/** A vector's userdata: u32 length, u32 view (0 when the doubles follow, else 1 + index into the call's views), doubles from offset 8. */
const HEADER = 8;

/**
 * Quant vectors on wasmoon, with the behaviour of the fengari binding (docs/quant.md):
 * full userdata holding their doubles in the Lua heap (so they count towards the memory
 * limit and are collected like any value), or read-only views of the series' columns, which
 * stay in JavaScript. They index like arrays, do + − * / ^ and unary minus, and convert with
 * v:table().
 */
export function pushVector(rt: WasmoonRuntime, L: State, a: Float64Array): void {
  const { x, heap } = rt;
  rt.current().guard.tick(a.length);
  const p = x.lua_newuserdatauv(L, HEADER + a.byteLength, 0);
  heap.u32[p >> 2] = a.length;
  heap.u32[(p + 4) >> 2] = 0;
  heap.f64.set(a, (p + HEADER) >> 3);
  x.luaL_setmetatable(L, heap.cstr(META));
}

/** Pushes a read-only vector over data the call does not own (a series column), without copying it. */
export function pushView(rt: WasmoonRuntime, L: State, a: Float64Array): void {
  const { x, heap } = rt;
  const call = rt.current();
  call.guard.tick(1);
  const p = x.lua_newuserdatauv(L, HEADER, 0);
  heap.u32[p >> 2] = a.length;
  heap.u32[(p + 4) >> 2] = call.views.push(a);
  x.luaL_setmetatable(L, heap.cstr(META));
}

/** The address of the vector at `arg`, or 0. */
function vectorPtr(rt: WasmoonRuntime, L: State, arg: number): Ptr {
  return rt.x.lua_type(L, arg) === LUA.TUSERDATA ? rt.x.luaL_testudata(L, arg, rt.heap.cstr(META)) : 0;
}

/** The values of the vector at `arg` (a copy, or the viewed column itself: do not modify), if it is one. */
export function vectorAt(rt: WasmoonRuntime, L: State, arg: number): Float64Array | undefined {
  const p = vectorPtr(rt, L, arg);
  if (p === 0) return undefined;
  const { heap } = rt;
  const view = heap.u32[(p + 4) >> 2] as number;
  if (view !== 0) return rt.current().views[view - 1];
  const start = (p + HEADER) >> 3;
  return heap.f64.slice(start, start + (heap.u32[p >> 2] as number));
}

/** A vector, or an array of numbers copied (one instruction per element); throws `quant.<fn>: …` otherwise. */
export function arrayArg(rt: WasmoonRuntime, L: State, fn: string, arg: number, what = `argument #${arg}`): Float64Array {
  return readNumbers(new WasmoonBuiltinCall(rt, L), { lib: "quant", name: fn }, arg, what);
}

/** Throws the LibError "quant.<fn>: <message>". */
export function fail(fn: string, message: string): never {
  throw new LibError(`quant.${fn}: ${message}`);
}

export function typeName(rt: WasmoonRuntime, L: State, arg: number): string {
  return vectorPtr(rt, L, arg) !== 0 ? "quant vector" : rt.typeName(L, arg);
}

/** `quant.table(v)` / `v:table()`: the vector as a Lua array. */
export const toTable: LibFunction = (rt, L) => {
  pushNumbers(rt, L, arrayArg(rt, L, "table", 1));
  return 1;
};

/** `quant.vector(t)`: a new vector copied from an array of numbers (or another vector). */
export const toVector: LibFunction = (rt, L) => {
  pushVector(rt, L, Float64Array.from(arrayArg(rt, L, "vector", 1)));
  return 1;
};

/** Creates the vectors' metatable in the registry; call once while opening the sandbox. */
export function installVectorMetatable(rt: WasmoonRuntime, L: State): void {
  const { x, heap } = rt;
  x.luaL_newmetatable(L, heap.cstr(META));
  rt.setFunctions(L, metamethods);
  heap.pushString(L, "quant.vector");
  x.lua_setfield(L, -2, heap.cstr("__metatable"));
  x.lua_settop(L, -2);
}

/** The 1-based index at `arg` if it is an integer in 1..n, else 0. */
function position(rt: WasmoonRuntime, L: State, arg: number, n: number): number {
  const i = rt.x.lua_type(L, arg) === LUA.TNUMBER ? rt.x.lua_tonumberx(L, arg, 0) : NaN;
  return Number.isInteger(i) && i >= 1 && i <= n ? i : 0;
}

const index: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  const p = vectorPtr(rt, L, 1);
  const n = heap.u32[p >> 2] as number;
  const view = heap.u32[(p + 4) >> 2] as number;
  const i = position(rt, L, 2, n);
  if (i !== 0) x.lua_pushnumber(L, view !== 0 ? (rt.current().views[view - 1]?.[i - 1] as number) : (heap.f64[((p + HEADER) >> 3) + i - 1] as number));
  else if (x.lua_type(L, 2) === LUA.TSTRING && heap.string(L, 2) === "table") x.lua_pushcclosure(L, rt.fn(toTable), 0);
  else x.lua_pushnil(L);
  return 1;
};

const newIndex: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  const p = vectorPtr(rt, L, 1);
  const n = heap.u32[p >> 2] as number;
  if (heap.u32[(p + 4) >> 2] !== 0) fail("vector", "a series column is read-only (copy it with quant.vector)");
  const i = position(rt, L, 2, n);
  if (i === 0) fail("vector", `index must be an integer in 1..${n}`);
  if (x.lua_type(L, 3) !== LUA.TNUMBER) fail("vector", `elements must be numbers (got ${typeName(rt, L, 3)})`);
  heap.f64[((p + HEADER) >> 3) + i - 1] = x.lua_tonumberx(L, 3, 0);
  return 0;
};

const metamethods: Record<string, LibFunction> = {
  __index: index,
  __newindex: newIndex,
  __len: (rt, L) => {
    rt.x.lua_pushinteger(L, BigInt(rt.heap.u32[vectorPtr(rt, L, 1) >> 2] as number));
    return 1;
  },
  __tostring: (rt, L) => {
    rt.heap.pushString(L, `quant.vector(${rt.heap.u32[vectorPtr(rt, L, 1) >> 2] as number})`);
    return 1;
  },
  ...Object.fromEntries(Object.entries(vectorMetamethods).map(([name, b]) => [name, wasmoonFunction(b)])),
};
