// Types for the parts of fengari 0.1.5 this package uses: the C-like API, plus the internal
// objects the sandbox patches and measures (see fengariPatches.ts and measureHeap.ts).

declare module "fengari" {
  export type LuaString = Uint8Array;
  export type CFunction = (L: LuaState) => number;
  export type Hook = (L: LuaState, ar: unknown) => void;

  /** A tagged Lua value; `type` is a variant tag from defs.constant_types. */
  export interface TValue {
    type: number;
    value: unknown;
    setsvalue(ts: TString): void;
  }
  export interface TString {
    realstring: Uint8Array;
  }
  export interface TableEntry {
    key: TValue;
    value: TValue;
    /** Neighbours in iteration (insertion) order. */
    p: TableEntry | undefined;
    n: TableEntry | undefined;
  }
  export interface Table {
    strong: Map<unknown, TableEntry>;
    metatable: Table | null;
    /** First and last entries in iteration order. */
    f: TableEntry | undefined;
    l: TableEntry | undefined;
    /** Cache of metamethods known absent (when the table is a metatable); 0 clears it. */
    flags: number;
    /** Entries deleted since the last insertion, kept so `next` can continue past them. */
    dead_strong: Map<unknown, TableEntry>;
    dead_weak: WeakMap<object, TableEntry> | undefined;
  }
  export interface Instruction {
    opcode: number;
    A: number;
    B: number;
    C: number;
  }
  export interface Proto {
    code: Instruction[];
    k: TValue[];
    p: Proto[];
    cache: LClosure | null;
  }
  export interface LClosure {
    p: Proto;
    upvals: TValue[];
  }
  export interface CClosure {
    upvalue: TValue[];
  }
  export interface Udata {
    metatable: Table | null;
    uservalue: TValue;
  }
  export interface CallInfo {
    callstatus: number;
    func: { value: LClosure };
    l_base: number;
    l_code: Instruction[];
    l_savedpc: number;
  }
  export interface GlobalState {
    id_counter: number;
    l_registry: TValue;
    mt: (Table | null | undefined)[];
    mainthread: LuaState;
  }
  export interface LuaState {
    l_G: GlobalState;
    stack: TValue[];
    top: number;
    ci: CallInfo;
    hookcount: number;
    basehookcount: number;
  }

  /** What lua_getinfo fills in ("S": source, "l": currentline). */
  export class lua_Debug {
    source: LuaString | null;
    currentline: number;
  }

  export interface LuaApi {
    lua_Debug: typeof lua_Debug;
    LUA_OK: number;
    LUA_ERRRUN: number;
    LUA_ERRSYNTAX: number;
    LUA_ERRMEM: number;
    LUA_ERRERR: number;
    LUA_MULTRET: number;
    LUA_REGISTRYINDEX: number;
    LUA_RIDX_GLOBALS: number;
    LUA_MASKCOUNT: number;
    LUA_OPEQ: number;
    LUA_OPLT: number;
    LUA_TNONE: number;
    LUA_TNIL: number;
    LUA_TBOOLEAN: number;
    LUA_TLIGHTUSERDATA: number;
    LUA_TNUMBER: number;
    LUA_TSTRING: number;
    LUA_TTABLE: number;
    LUA_TFUNCTION: number;
    LUA_TUSERDATA: number;
    LUA_TTHREAD: number;
    lua_absindex(L: LuaState, idx: number): number;
    lua_atnativeerror(L: LuaState, f: CFunction): CFunction | null;
    lua_call(L: LuaState, nargs: number, nresults: number): void;
    lua_checkstack(L: LuaState, n: number): boolean;
    lua_compare(L: LuaState, a: number, b: number, op: number): number;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_error(L: LuaState): never;
    lua_getfield(L: LuaState, idx: number, k: LuaString | string): number;
    lua_geti(L: LuaState, idx: number, i: number): number;
    lua_getmetatable(L: LuaState, idx: number): boolean;
    lua_getinfo(L: LuaState, what: LuaString | string, ar: lua_Debug): number;
    lua_getstack(L: LuaState, level: number, ar: lua_Debug): number;
    lua_gettop(L: LuaState): number;
    lua_insert(L: LuaState, idx: number): void;
    lua_isinteger(L: LuaState, idx: number): boolean;
    lua_isnoneornil(L: LuaState, idx: number): boolean;
    lua_isstring(L: LuaState, idx: number): boolean;
    lua_next(L: LuaState, idx: number): boolean | number;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_pop(L: LuaState, n: number): void;
    lua_pushboolean(L: LuaState, b: boolean): void;
    lua_pushcfunction(L: LuaState, f: CFunction): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushlightuserdata(L: LuaState, p: unknown): void;
    lua_pushliteral(L: LuaState, s: string): void;
    lua_pushnil(L: LuaState): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushstring(L: LuaState, s: LuaString | string): void;
    lua_pushlstring(L: LuaState, s: LuaString, len: number): void;
    lua_concat(L: LuaState, n: number): void;
    lua_pushvalue(L: LuaState, idx: number): void;
    lua_rawget(L: LuaState, idx: number): number;
    lua_rawgeti(L: LuaState, idx: number, n: number): number;
    lua_rawlen(L: LuaState, idx: number): number;
    lua_rawset(L: LuaState, idx: number): void;
    lua_rawseti(L: LuaState, idx: number, n: number): void;
    lua_setfield(L: LuaState, idx: number, k: LuaString | string): void;
    lua_sethook(L: LuaState, f: Hook | null, mask: number, count: number): void;
    lua_seti(L: LuaState, idx: number, n: number): void;
    lua_setmetatable(L: LuaState, idx: number): void;
    lua_settop(L: LuaState, idx: number): void;
    lua_setupvalue(L: LuaState, funcindex: number, n: number): LuaString | null;
    lua_toboolean(L: LuaState, idx: number): boolean;
    lua_tocfunction(L: LuaState, idx: number): CFunction | null;
    lua_tointeger(L: LuaState, idx: number): number;
    lua_tonumber(L: LuaState, idx: number): number;
    lua_topointer(L: LuaState, idx: number): unknown;
    lua_tostring(L: LuaState, idx: number): LuaString | null;
    lua_touserdata(L: LuaState, idx: number): unknown;
    lua_type(L: LuaState, idx: number): number;
  }

  export class luaL_Buffer {
    L: LuaState | null;
    b: Uint8Array;
    n: number;
  }

  export interface LauxApi {
    luaL_Buffer: typeof luaL_Buffer;
    luaL_argerror(L: LuaState, arg: number, msg: string): never;
    luaL_checkany(L: LuaState, arg: number): void;
    luaL_checkinteger(L: LuaState, arg: number): number;
    luaL_checknumber(L: LuaState, arg: number): number;
    luaL_checkstack(L: LuaState, space: number, msg: string | null): void;
    luaL_checkstring(L: LuaState, arg: number): LuaString;
    luaL_checktype(L: LuaState, arg: number, t: number): void;
    luaL_error(L: LuaState, fmt: LuaString | string, ...args: unknown[]): never;
    luaL_len(L: LuaState, idx: number): number;
    luaL_loadbufferx(L: LuaState, buff: LuaString, size: number, name: LuaString | string, mode: LuaString | string | null): number;
    luaL_newstate(): LuaState;
    luaL_optinteger(L: LuaState, arg: number, def: number): number;
    luaL_optlstring(L: LuaState, arg: number, def: LuaString | string | null): LuaString | null;
    luaL_requiref(L: LuaState, modname: LuaString | string, openf: CFunction, glb: number): void;
    luaL_tolstring(L: LuaState, idx: number): LuaString;
    luaL_traceback(L: LuaState, L1: LuaState, msg: LuaString | null, level: number): void;
    luaL_typename(L: LuaState, idx: number): LuaString;
    luaL_where(L: LuaState, level: number): void;
  }

  export interface LualibApi {
    luaopen_base: CFunction;
    luaopen_coroutine: CFunction;
    luaopen_math: CFunction;
    luaopen_string: CFunction;
    luaopen_utf8: CFunction;
  }

  const fengari: {
    lua: LuaApi;
    lauxlib: LauxApi;
    lualib: LualibApi;
    to_luastring(s: string, cache?: boolean): LuaString;
    to_jsstring(s: LuaString, from?: number, to?: number, replacement_char?: boolean): string;
  };
  export default fengari;
}

declare module "fengari/src/ldebug.js" {
  import type { LuaState, LuaString, TValue } from "fengari";
  const ldebug: {
    luaG_traceexec(L: LuaState): void;
    luaG_runerror(L: LuaState, fmt: LuaString, ...args: unknown[]): never;
    luaG_typeerror(L: LuaState, o: TValue, op: LuaString): never;
  };
  export default ldebug;
}

declare module "fengari/src/ltable.js" {
  import type { LuaState, Table, TValue } from "fengari";
  const ltable: {
    luaH_new(L: LuaState): Table;
    luaH_setint(t: Table, key: number, value: TValue): void;
    luaH_setfrom(L: LuaState, t: Table, key: TValue, value: TValue): void;
  };
  export default ltable;
}

declare module "fengari/src/lopcodes.js" {
  const lopcodes: { OpCodesI: Record<string, number>; BITRK: number };
  export default lopcodes;
}

declare module "fengari/src/defs.js" {
  const defs: {
    constant_types: Record<string, number>;
    LUA_OPADD: number;
    LUA_OPSUB: number;
    LUA_OPMUL: number;
    LUA_OPIDIV: number;
    LUA_OPSHL: number;
    LUA_OPSHR: number;
    LUA_OPUNM: number;
  };
  export default defs;
}

declare module "fengari/src/lobject.js" {
  import type { LuaState, TString, TValue } from "fengari";
  const lobject: {
    TValue: { new (type: number, value: unknown): TValue; prototype: { setivalue(this: TValue, x: number): void } };
    pushsvalue2s(L: LuaState, ts: TString): void;
    /** Arithmetic on two values into `res` (also lcode.js's constant folding, with L null). */
    luaO_arith(L: LuaState | null, op: number, p1: TValue, p2: TValue, res: TValue): void;
    /** Reads a numeral into `o`; returns its length + 1, or 0 when `s` is no numeral. */
    luaO_str2num(s: Uint8Array, o: TValue): number;
    /** Sets `obj` (a number on the stack) to its string form. */
    luaO_tostring(L: LuaState, obj: TValue): void;
    luaO_pushvfstring(L: LuaState, fmt: Uint8Array, argp: unknown[]): Uint8Array;
    setsvalue2s(L: LuaState, index: number, ts: TString): void;
  };
  export default lobject;
}

declare module "fengari/src/lstring.js" {
  import type { LuaState, TString } from "fengari";
  const lstring: { TString: { prototype: object }; luaS_bless(L: LuaState, s: Uint8Array): TString };
  export default lstring;
}

declare module "fengari/src/lvm.js" {
  import type { TValue } from "fengari";
  const lvm: {
    luaV_shiftl(x: number, y: number): number;
    /** The integer value of a number or numeric string (floats only when integral), or false. */
    tointeger(o: TValue): number | false;
  };
  export default lvm;
}

declare module "fengari/src/lparser.js" {
  const lparser: { luaY_parser(...args: unknown[]): unknown };
  export default lparser;
}
