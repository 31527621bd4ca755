import fengari from "fengari";
import type { LuaState } from "fengari";
import { fail } from "./QuantVector.ts";

const { lua } = fengari;

/** An integer argument ≥ min (`def` when nil or absent, if given); raises `quant.<fn>: …` otherwise. */
export function integerArg(L: LuaState, fn: string, arg: number, what: string, min: number, def?: number): number {
  if (def !== undefined && lua.lua_isnoneornil(L, arg)) return def;
  const v = lua.lua_type(L, arg) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, arg) : NaN;
  if (!Number.isInteger(v) || v < min || Math.abs(v) > 2147483647) {
    fail(L, fn, `${what} must be ${min === 1 ? "a positive integer" : min === 0 ? "an integer ≥ 0" : "an integer"}`);
  }
  return v;
}

/** A number argument, `def` when nil or absent. */
export function optionalNumber(L: LuaState, fn: string, arg: number, what: string, def: number): number {
  if (lua.lua_isnoneornil(L, arg)) return def;
  if (lua.lua_type(L, arg) !== lua.LUA_TNUMBER) fail(L, fn, `${what} must be a number`);
  return lua.lua_tonumber(L, arg);
}
