import fengari from "fengari";
import type { CFunction, LuaState } from "fengari";
import { readNumbers } from "../builtins/ArgShape.ts";
import { vectorMetamethods } from "../builtins/vectorMetamethods.ts";
import { FengariBuiltinCall, fengariFunction } from "../fengari/FengariBuiltinCall.ts";
import { callContext } from "../fengari/CallContext.ts";
import { HEAP_COST } from "../fengari/heapCost.ts";
import { pushNumberTable } from "../fengari/numberTable.ts";

const { lua, lauxlib, to_jsstring } = fengari;
const META = "shoal.quant.vector";
/** Where a vector's userdata keeps its Float64Array; only JavaScript can reach it. */
const VALUES = Symbol("shoal.quant.values");
/** Marks a vector viewing data the call does not own (a series column). */
const READ_ONLY = Symbol("shoal.quant.readOnly");

/**
 * Quant vectors: full userdata holding a Float64Array, so indicator outputs never become
 * Lua tables (a 1M-element fengari table costs ~300 bytes and ~1 µs per element). From Lua
 * they index like arrays (v[i], #v, ipairs, v[i] = x within 1..#v), support + − * / ^ and
 * unary minus with numbers and other vectors, and convert with v:table(). Their bytes are
 * charged to the call's heap (the userdata's size is the array's, which measureHeap counts).
 */
export function pushVector(L: LuaState, a: Float64Array): void {
  const guard = callContext(L).guard;
  guard.tick(L, a.length);
  guard.charge(HEAP_COST.userdata + a.byteLength);
  const data = lua.lua_newuserdata(L, a.byteLength);
  data[VALUES] = a;
  lauxlib.luaL_setmetatable(L, META);
}

/** Pushes a read-only vector over data the call does not own, without copying it or charging its bytes. */
export function pushView(L: LuaState, a: Float64Array): void {
  callContext(L).guard.tick(L, 1);
  const data = lua.lua_newuserdata(L, 0);
  data[VALUES] = a;
  data[READ_ONLY] = true;
  lauxlib.luaL_setmetatable(L, META);
}

/** The vector at `arg`, if it is one (its array, shared: do not modify). */
export function vectorAt(L: LuaState, arg: number): Float64Array | undefined {
  if (lua.lua_type(L, arg) !== lua.LUA_TUSERDATA) return undefined;
  const data = lua.lua_touserdata(L, arg) as Record<PropertyKey, unknown> | null;
  const values = data?.[VALUES];
  return values instanceof Float64Array ? values : undefined;
}

/** A vector, or an array of numbers copied (one instruction per element); raises `quant.<fn>: …` otherwise. */
export function arrayArg(L: LuaState, fn: string, arg: number, what = `argument #${arg}`): Float64Array {
  return readNumbers(new FengariBuiltinCall(L), { lib: "quant", name: fn }, arg, what);
}

/** Raises a Lua error "quant.<fn>: <message>". */
export function fail(L: LuaState, fn: string, message: string): never {
  return lauxlib.luaL_error(L, "%s", `quant.${fn}: ${message}`);
}

export function typeName(L: LuaState, arg: number): string {
  return vectorAt(L, arg) ? "quant vector" : to_jsstring(lauxlib.luaL_typename(L, arg));
}

/** `quant.table(v)` / `v:table()`: the vector as a Lua array. */
export const toTable: CFunction = (L) => {
  pushNumberTable(L, arrayArg(L, "table", 1));
  return 1;
};

/** `quant.vector(t)`: a new vector copied from an array of numbers (or another vector). */
export const toVector: CFunction = (L) => {
  pushVector(L, Float64Array.from(arrayArg(L, "vector", 1)));
  return 1;
};

/** Creates the vectors' metatable in the registry; call once while building the sandbox. */
export function installVectorMetatable(L: LuaState): void {
  lauxlib.luaL_newmetatable(L, META);
  const meta: Record<string, CFunction> = {
    __index: index,
    __newindex: newIndex,
    __len: (L) => {
      lua.lua_pushinteger(L, (vectorAt(L, 1) as Float64Array).length);
      return 1;
    },
    __tostring: (L) => {
      lua.lua_pushstring(L, `quant.vector(${(vectorAt(L, 1) as Float64Array).length})`);
      return 1;
    },
    ...Object.fromEntries(Object.entries(vectorMetamethods).map(([name, b]) => [name, fengariFunction(b)])),
  };
  for (const [name, fn] of Object.entries(meta)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pushstring(L, "quant.vector");
  lua.lua_setfield(L, -2, "__metatable");
  lua.lua_pop(L, 1);
}

const index: CFunction = (L) => {
  const a = vectorAt(L, 1) as Float64Array;
  const type = lua.lua_type(L, 2);
  if (type === lua.LUA_TNUMBER) {
    const i = lua.lua_tonumber(L, 2);
    if (Number.isInteger(i) && i >= 1 && i <= a.length) lua.lua_pushnumber(L, a[i - 1] as number);
    else lua.lua_pushnil(L);
  } else if (type === lua.LUA_TSTRING && to_jsstring(lua.lua_tostring(L, 2) as Uint8Array, 0, undefined, true) === "table") {
    lua.lua_pushcfunction(L, toTable);
  } else lua.lua_pushnil(L);
  return 1;
};

const newIndex: CFunction = (L) => {
  const a = vectorAt(L, 1) as Float64Array;
  if ((lua.lua_touserdata(L, 1) as Record<PropertyKey, unknown>)[READ_ONLY]) fail(L, "vector", "a series column is read-only (copy it with quant.vector)");
  const i = lua.lua_type(L, 2) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, 2) : NaN;
  if (!(Number.isInteger(i) && i >= 1 && i <= a.length)) fail(L, "vector", `index must be an integer in 1..${a.length}`);
  if (lua.lua_type(L, 3) !== lua.LUA_TNUMBER) fail(L, "vector", `elements must be numbers (got ${typeName(L, 3)})`);
  a[i - 1] = lua.lua_tonumber(L, 3);
  return 0;
};
