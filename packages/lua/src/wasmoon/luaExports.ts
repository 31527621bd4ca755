/** A pointer into the WebAssembly memory (wasm32). */
export type Ptr = number;
/** A `lua_State*`. */
export type State = number;

/**
 * The raw exports of wasmoon's glue.wasm we call: Lua 5.4's C API compiled for wasm32
 * with 64-bit integers (lua_Integer and lua_Unsigned cross as BigInt). Called directly,
 * without Emscripten's checked wrappers, which cost about ten times more per call.
 */
export interface LuaExports {
  memory: { readonly buffer: ArrayBuffer };
  __indirect_function_table: { get(index: number): unknown; readonly length: number };
  malloc(size: number): Ptr;
  free(p: Ptr): void;
  realloc(p: Ptr, size: number): Ptr;
  stackSave(): Ptr;
  stackRestore(p: Ptr): void;

  lua_newstate(alloc: number, ud: number): State;
  lua_close(L: State): void;
  lua_atpanic(L: State, fn: number): number;
  lua_absindex(L: State, idx: number): number;
  lua_gettop(L: State): number;
  lua_settop(L: State, idx: number): void;
  lua_pushvalue(L: State, idx: number): void;
  lua_rotate(L: State, idx: number, n: number): void;
  lua_copy(L: State, from: number, to: number): void;
  lua_checkstack(L: State, n: number): number;
  lua_type(L: State, idx: number): number;
  lua_typename(L: State, type: number): Ptr;
  lua_isinteger(L: State, idx: number): number;
  lua_isstring(L: State, idx: number): number;
  lua_tonumberx(L: State, idx: number, isnum: Ptr): number;
  lua_tointegerx(L: State, idx: number, isnum: Ptr): bigint;
  lua_toboolean(L: State, idx: number): number;
  lua_tolstring(L: State, idx: number, len: Ptr): Ptr;
  lua_rawlen(L: State, idx: number): bigint;
  lua_tocfunction(L: State, idx: number): number;
  lua_topointer(L: State, idx: number): Ptr;
  lua_pushnil(L: State): void;
  lua_pushnumber(L: State, n: number): void;
  lua_pushinteger(L: State, n: bigint): void;
  lua_pushlstring(L: State, s: Ptr, len: number): Ptr;
  lua_pushcclosure(L: State, fn: number, n: number): void;
  lua_pushboolean(L: State, b: number): void;
  lua_getglobal(L: State, name: Ptr): number;
  lua_getfield(L: State, idx: number, k: Ptr): number;
  lua_rawget(L: State, idx: number): number;
  lua_rawgeti(L: State, idx: number, n: bigint): number;
  lua_createtable(L: State, narr: number, nrec: number): void;
  lua_newuserdatauv(L: State, size: number, nuvalue: number): Ptr;
  lua_getmetatable(L: State, idx: number): number;
  lua_setglobal(L: State, name: Ptr): void;
  lua_setfield(L: State, idx: number, k: Ptr): void;
  lua_rawset(L: State, idx: number): void;
  lua_rawseti(L: State, idx: number, n: bigint): void;
  lua_setmetatable(L: State, idx: number): number;
  lua_callk(L: State, nargs: number, nresults: number, ctx: number, k: number): void;
  lua_pcallk(L: State, nargs: number, nresults: number, errfunc: number, ctx: number, k: number): number;
  lua_error(L: State): number;
  lua_next(L: State, idx: number): number;
  lua_concat(L: State, n: number): void;
  lua_setupvalue(L: State, funcindex: number, n: number): Ptr;
  lua_sethook(L: State, fn: number, mask: number, count: number): void;
  lua_getstack(L: State, level: number, ar: Ptr): number;
  lua_getinfo(L: State, what: Ptr, ar: Ptr): number;
  lua_gethookcount(L: State): number;
  luaL_loadbufferx(L: State, buf: Ptr, size: number, name: Ptr, mode: Ptr): number;
  luaL_requiref(L: State, name: Ptr, open: number, global: number): void;
  luaL_traceback(L: State, L1: State, msg: Ptr, level: number): void;
  luaL_where(L: State, level: number): void;
  luaL_tolstring(L: State, idx: number, len: Ptr): Ptr;
  luaL_getmetafield(L: State, idx: number, field: Ptr): number;
  luaL_argerror(L: State, arg: number, message: Ptr): number;
  luaL_checkinteger(L: State, arg: number): bigint;
  luaL_checknumber(L: State, arg: number): number;
  luaL_checklstring(L: State, arg: number, len: Ptr): Ptr;
  luaL_len(L: State, idx: number): bigint;
  luaL_newmetatable(L: State, name: Ptr): number;
  luaL_setmetatable(L: State, name: Ptr): void;
  luaL_testudata(L: State, idx: number, name: Ptr): Ptr;

  luaopen_base(L: State): number;
  luaopen_coroutine(L: State): number;
  luaopen_table(L: State): number;
  luaopen_string(L: State): number;
  luaopen_utf8(L: State): number;
  luaopen_math(L: State): number;
}

/** The export names LuaExports declares, checked when the module loads. */
export const REQUIRED_EXPORTS = [
  "memory", "__indirect_function_table", "malloc", "free", "realloc", "stackSave", "stackRestore", "lua_newstate",
  "lua_close", "lua_atpanic", "lua_pcallk", "lua_sethook", "luaL_loadbufferx", "luaL_requiref", "luaopen_base",
  "luaopen_coroutine", "luaopen_table", "luaopen_string", "luaopen_utf8", "luaopen_math",
] as const;

/** Lua 5.4 constants for this build (LUAI_MAXSTACK = 1,000,000). */
export const LUA = {
  REGISTRYINDEX: -1001000,
  RIDX_GLOBALS: 2n,
  OK: 0,
  ERRMEM: 4,
  ERRERR: 5,
  MASKCOUNT: 8,
  TNONE: -1,
  TNIL: 0,
  TBOOLEAN: 1,
  TLIGHTUSERDATA: 2,
  TNUMBER: 3,
  TSTRING: 4,
  TTABLE: 5,
  TFUNCTION: 6,
  TUSERDATA: 7,
  TTHREAD: 8,
} as const;

/** Pseudo-index of upvalue `i` of the running C function. */
export function upvalueIndex(i: number): number {
  return LUA.REGISTRYINDEX - i;
}
