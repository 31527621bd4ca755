import type { Builtin } from "../builtins/Builtin.ts";
import type { BuiltinCall, NotNumbers } from "../builtins/BuiltinCall.ts";
import { LibError } from "./LibError.ts";
import { pushNumbers, readNumbers } from "./luaArrays.ts";
import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { pushVector, vectorAt } from "./quantVector.ts";
import { pushView, viewAt } from "./tsView.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";

/** The builtins' view of a wasmoon call: arguments on the Lua stack, errors thrown as LibErrors. */
export class WasmoonBuiltinCall implements BuiltinCall {
  readonly #rt: WasmoonRuntime;
  readonly #L: State;

  constructor(rt: WasmoonRuntime, L: State) {
    this.#rt = rt;
    this.#L = L;
  }

  isNil(arg: number): boolean {
    return this.#rt.x.lua_type(this.#L, arg) <= LUA.TNIL;
  }

  number(arg: number): number | undefined {
    return this.#rt.x.lua_type(this.#L, arg) === LUA.TNUMBER ? this.#rt.x.lua_tonumberx(this.#L, arg, 0) : undefined;
  }

  vector(arg: number): Float64Array | undefined {
    return vectorAt(this.#rt, this.#L, arg);
  }

  array(arg: number): Float64Array | NotNumbers {
    const view = viewAt(this.#rt, this.#L, arg);
    if (view === undefined) return readNumbers(this.#rt, this.#L, arg);
    this.tick(view.length);
    return view;
  }

  tick(n: number): void {
    this.#rt.current().guard.tick(n);
  }

  pushNumber(x: number): void {
    this.#rt.x.lua_pushnumber(this.#L, x);
  }

  pushInteger(n: number): void {
    this.#rt.x.lua_pushinteger(this.#L, BigInt(n));
  }

  pushArray(a: Float64Array): void {
    pushView(this.#rt, this.#L, a);
  }

  pushTable(a: Float64Array): void {
    pushNumbers(this.#rt, this.#L, a);
  }

  pushVector(a: Float64Array): void {
    pushVector(this.#rt, this.#L, a);
  }

  raise(message: string): never {
    throw new LibError(message);
  }
}

/** A shared builtin as a wasmoon library function. */
export function wasmoonFunction(b: Builtin): LibFunction {
  return (rt, L) => b.call(new WasmoonBuiltinCall(rt, L));
}

/** The builtins of `lib` from the shared table, as wasmoon library functions. */
export function wasmoonBuiltins(table: readonly Builtin[], lib: Builtin["lib"]): Record<string, LibFunction> {
  return Object.fromEntries(table.filter((b) => b.lib === lib).map((b) => [b.name, wasmoonFunction(b)]));
}
