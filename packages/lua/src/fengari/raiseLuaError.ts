import fengari from "fengari";
import type { LuaState } from "fengari";
import ldebug from "fengari/src/ldebug.js";

const { lauxlib, to_luastring } = fengari;
const FMT = to_luastring("%s");
const CIST_LUA = 1 << 1;

/**
 * Raises `message` as a Lua error where fengari itself would: with the line of the running
 * Lua instruction, or, inside a library function, the line of the Lua code that called it.
 */
export function raiseLuaError(L: LuaState, message: string): never {
  if (L.ci.callstatus & CIST_LUA) return ldebug.luaG_runerror(L, FMT, to_luastring(message));
  return lauxlib.luaL_error(L, FMT, to_luastring(message));
}
