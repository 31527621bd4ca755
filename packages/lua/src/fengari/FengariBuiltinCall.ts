import fengari from "fengari";
import type { CFunction, LuaState } from "fengari";
import type { Builtin } from "../builtins/Builtin.ts";
import type { BuiltinCall, NotNumbers } from "../builtins/BuiltinCall.ts";
import { pushVector, vectorAt } from "../quant/QuantVector.ts";
import { callContext } from "./CallContext.ts";
import { pushNumberTable, readNumberTable } from "./numberTable.ts";
import { pushView, viewAt } from "./tsView.ts";

const { lua, lauxlib } = fengari;

/** The builtins' view of a fengari call: arguments on the Lua stack, errors raised with luaL_error. */
export class FengariBuiltinCall implements BuiltinCall {
  readonly #L: LuaState;

  constructor(L: LuaState) {
    this.#L = L;
  }

  isNil(arg: number): boolean {
    return lua.lua_isnoneornil(this.#L, arg);
  }

  number(arg: number): number | undefined {
    return lua.lua_type(this.#L, arg) === lua.LUA_TNUMBER ? lua.lua_tonumber(this.#L, arg) : undefined;
  }

  vector(arg: number): Float64Array | undefined {
    return vectorAt(this.#L, arg);
  }

  array(arg: number): Float64Array | NotNumbers {
    const view = viewAt(this.#L, arg);
    if (view === undefined) return readNumberTable(this.#L, arg);
    this.tick(view.length);
    return view;
  }

  tick(n: number): void {
    callContext(this.#L).guard.tick(this.#L, n);
  }

  pushNumber(x: number): void {
    lua.lua_pushnumber(this.#L, x);
  }

  pushInteger(n: number): void {
    lua.lua_pushinteger(this.#L, n);
  }

  pushArray(a: Float64Array): void {
    pushView(this.#L, a);
  }

  pushTable(a: Float64Array): void {
    pushNumberTable(this.#L, a);
  }

  pushVector(a: Float64Array): void {
    pushVector(this.#L, a);
  }

  raise(message: string): never {
    return lauxlib.luaL_error(this.#L, "%s", message);
  }
}

/** A shared builtin as a fengari C function. */
export function fengariFunction(b: Builtin): CFunction {
  return (L) => b.call(new FengariBuiltinCall(L));
}

/** The builtins of `lib` from the shared table, as fengari library functions. */
export function fengariBuiltins(table: readonly Builtin[], lib: Builtin["lib"]): Record<string, CFunction> {
  return Object.fromEntries(table.filter((b) => b.lib === lib).map((b) => [b.name, fengariFunction(b)]));
}
