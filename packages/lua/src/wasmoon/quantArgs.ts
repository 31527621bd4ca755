import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { fail } from "./quantVector.ts";
import type { WasmoonRuntime } from "./WasmoonRuntime.ts";

/** An integer argument ≥ min (`def` when nil or absent, if given). */
export function integerArg(rt: WasmoonRuntime, L: State, fn: string, arg: number, what: string, min: number, def?: number): number {
  const { x } = rt;
  if (def !== undefined && x.lua_type(L, arg) <= LUA.TNIL) return def;
  const v = x.lua_type(L, arg) === LUA.TNUMBER ? x.lua_tonumberx(L, arg, 0) : NaN;
  if (!Number.isInteger(v) || v < min || Math.abs(v) > 2147483647) {
    fail(fn, `${what} must be ${min === 1 ? "a positive integer" : min === 0 ? "an integer ≥ 0" : "an integer"}`);
  }
  return v;
}

/** A number argument, `def` when nil or absent. */
export function optionalNumber(rt: WasmoonRuntime, L: State, fn: string, arg: number, what: string, def: number): number {
  const { x } = rt;
  if (x.lua_type(L, arg) <= LUA.TNIL) return def;
  if (x.lua_type(L, arg) !== LUA.TNUMBER) fail(fn, `${what} must be a number`);
  return x.lua_tonumberx(L, arg, 0);
}
