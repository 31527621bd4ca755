import type { Json } from "@shoal/protocol";
import type { LuaStack } from "../convert/readLuaJson.ts";
import { readLuaJson } from "../convert/readLuaJson.ts";
import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import type { WasmoonRuntime } from "./WasmoonRuntime.ts";
import { viewAt } from "./tsView.ts";

/**
 * Reads the Lua value at `idx` as JSON with the rules of {@link readLuaJson} (shared with
 * fengari), over wasmoon's exports. Raises no Lua errors.
 */
export function readJson(rt: WasmoonRuntime, L: State, idx: number, maxBytes: number): Json {
  return readLuaJson(wasmoonStack(rt, L), idx, maxBytes);
}

/** {@link LuaStack} over a wasmoon state. */
function wasmoonStack(rt: WasmoonRuntime, L: State): LuaStack {
  const { x } = rt;
  return {
    type: (idx) => x.lua_type(L, idx),
    typeName: (idx) => rt.typeName(L, idx),
    toBoolean: (idx) => x.lua_toboolean(L, idx) !== 0,
    toNumber: (idx) => x.lua_tonumberx(L, idx, 0),
    toText: (idx) => {
      try {
        return rt.heap.string(L, idx, true);
      } catch {
        return undefined;
      }
    },
    positiveInteger: (idx) => {
      if (x.lua_type(L, idx) !== LUA.TNUMBER || x.lua_isinteger(L, idx) === 0) return undefined;
      const n = x.lua_tointegerx(L, idx, 0);
      return n >= 1n ? Number(n) : undefined;
    },
    describeKey: (idx) => {
      const type = x.lua_type(L, idx);
      if (type === LUA.TNUMBER) return String(x.lua_isinteger(L, idx) !== 0 ? x.lua_tointegerx(L, idx, 0) : x.lua_tonumberx(L, idx, 0));
      if (type === LUA.TBOOLEAN) return String(x.lua_toboolean(L, idx) !== 0);
      return rt.typeName(L, idx);
    },
    pointer: (idx) => x.lua_topointer(L, idx),
    view: (idx) => viewAt(rt, L, idx),
    absIndex: (idx) => x.lua_absindex(L, idx),
    checkStack: (n) => x.lua_checkstack(L, n) !== 0,
    pushNil: () => x.lua_pushnil(L),
    next: (idx) => x.lua_next(L, idx) !== 0,
    pop: (n) => x.lua_settop(L, -n - 1),
    top: () => x.lua_gettop(L),
    rawGetI: (idx, i) => {
      x.lua_rawgeti(L, idx, BigInt(i));
    },
  };
}
