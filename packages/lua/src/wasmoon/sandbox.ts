import { baseLib, IDS_FIELD } from "./baseLib.ts";
import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { mathRandom } from "./mathRandom.ts";
import { openQuant } from "./quantBinding.ts";
import { stringLib } from "./stringLib.ts";
import { tableLib } from "./tableLib.ts";
import { builtinTable } from "../builtins/builtinTable.ts";
import { wasmoonBuiltins } from "./WasmoonBuiltinCall.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";

/** The `ts` library, made once: the runtime registers each function once, by identity. */
const tsLib = wasmoonBuiltins(builtinTable, "ts");

/**
 * Opens the sandbox in a fresh state (inside a protected call): Lua 5.4's base (without
 * dofile, loadfile and warn, with our print, load, tostring and collectgarbage), string
 * (without dump; rep, format, gsub and pack guarded), table (loops charged), math (seeded
 * random), utf8, coroutine, ts and quant. io, os, package and debug are never opened. The global
 * table is the call's environment; the string metatable is locked and its methods come from
 * a hidden copy of the library, so reassigning `string.upper` does not change `("a"):upper()`.
 */
export function openSandbox(rt: WasmoonRuntime, L: State): void {
  const { x, heap } = rt;
  const open = (name: string, opener: (L: State) => number) => x.luaL_requiref(L, heap.cstr(name), rt.cIndex(opener), 1);

  open("_G", x.luaopen_base);
  for (const name of ["dofile", "loadfile", "warn"]) {
    x.lua_pushnil(L);
    x.lua_setfield(L, -2, heap.cstr(name));
  }
  replace(rt, L, "_G", baseLib);
  x.lua_settop(L, 0);

  open("string", x.luaopen_string);
  x.lua_pushnil(L);
  x.lua_setfield(L, -2, heap.cstr("dump"));
  replace(rt, L, "string", stringLib);
  lockStringMetatable(rt, L);
  x.lua_settop(L, 0);

  open("table", x.luaopen_table);
  replace(rt, L, "table", tableLib);
  open("math", x.luaopen_math);
  replace(rt, L, "math", mathRandom);
  open("utf8", x.luaopen_utf8);
  open("coroutine", x.luaopen_coroutine);
  x.lua_settop(L, 0);

  x.lua_createtable(L, 0, Object.keys(tsLib).length);
  rt.setFunctions(L, tsLib);
  x.lua_setglobal(L, heap.cstr("ts"));
  openQuant(rt, L);

  x.lua_createtable(L, 0, 0);
  x.lua_createtable(L, 0, 1);
  heap.pushString(L, "k");
  x.lua_setfield(L, -2, heap.cstr("__mode"));
  x.lua_setmetatable(L, -2);
  x.lua_setfield(L, LUA.REGISTRYINDEX, heap.cstr(IDS_FIELD));
}

/** Replaces functions of the library table on top of the stack, keeping Lua's own for the replacements. */
function replace(rt: WasmoonRuntime, L: State, lib: string, fns: Readonly<Record<string, LibFunction>>): void {
  const { x, heap } = rt;
  for (const name of Object.keys(fns)) {
    x.lua_getfield(L, -1, heap.cstr(name));
    const original = x.lua_tocfunction(L, -1);
    x.lua_settop(L, -2);
    if (original !== 0) rt.keepOriginal(`${lib}.${name}`, original);
  }
  rt.setFunctions(L, fns);
}

/** Points the string metatable's __index at a hidden copy of the string library (on top of the stack) and hides the metatable. */
function lockStringMetatable(rt: WasmoonRuntime, L: State): void {
  const { x, heap } = rt;
  const lib = x.lua_gettop(L);
  x.lua_createtable(L, 0, 24);
  const hidden = x.lua_gettop(L);
  x.lua_pushnil(L);
  while (x.lua_next(L, lib) !== 0) {
    x.lua_pushvalue(L, -2);
    x.lua_rotate(L, -2, 1);
    x.lua_rawset(L, hidden);
  }
  heap.pushString(L, "");
  x.lua_getmetatable(L, -1);
  x.lua_pushvalue(L, hidden);
  x.lua_setfield(L, -2, heap.cstr("__index"));
  heap.pushString(L, "locked");
  x.lua_setfield(L, -2, heap.cstr("__metatable"));
  x.lua_settop(L, lib);
}
