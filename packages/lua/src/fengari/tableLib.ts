import fengari from "fengari";
import type { CFunction, LuaState } from "fengari";
import { callContext } from "./CallContext.ts";
import { HEAP_COST } from "./heapCost.ts";
import { FENGARI_STRING_COSTS } from "../stringCosts.ts";
import { pushConcat } from "./pushConcat.ts";

// Lua 5.3's table library, ported from fengari's ltablib.js (MIT) with two changes: every
// element a loop touches costs one instruction of budget (so `__len`/`__index` tricks
// cannot make a C loop run unmetered), and sort's pivot never comes from Math.random,
// so sorting with an inconsistent comparator or ties gives the same order on every replica.

const { lua, lauxlib, to_luastring } = fengari;
const MAXINT = 2147483647;

const TAB_R = 1;
const TAB_W = 2;
const TAB_L = 4;

function checktab(L: LuaState, arg: number, what: number): void {
  if (lua.lua_type(L, arg) === lua.LUA_TTABLE) return;
  let n = 1;
  const has = (key: string) => {
    lua.lua_pushstring(L, key);
    return lua.lua_rawget(L, -++n) !== lua.LUA_TNIL;
  };
  if (
    lua.lua_getmetatable(L, arg) &&
    (!(what & TAB_R) || has("__index")) &&
    (!(what & TAB_W) || has("__newindex")) &&
    (!(what & TAB_L) || has("__len"))
  ) {
    lua.lua_pop(L, n);
  } else lauxlib.luaL_checktype(L, arg, lua.LUA_TTABLE);
}

function getn(L: LuaState, arg: number, what: number): number {
  checktab(L, arg, what | TAB_L);
  return lauxlib.luaL_len(L, arg);
}

const tick = (L: LuaState, n = 1) => callContext(L).guard.tick(L, n);

const insert: CFunction = (L) => {
  const e = getn(L, 1, TAB_R | TAB_W) + 1;
  let pos: number;
  switch (lua.lua_gettop(L)) {
    case 2:
      pos = e;
      break;
    case 3:
      pos = lauxlib.luaL_checkinteger(L, 2);
      if (pos < 1 || pos > e) lauxlib.luaL_argerror(L, 2, "position out of bounds");
      for (let i = e; i > pos; i--) {
        tick(L);
        lua.lua_geti(L, 1, i - 1);
        lua.lua_seti(L, 1, i);
      }
      break;
    default:
      return lauxlib.luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua.lua_seti(L, 1, pos);
  return 0;
};

const remove: CFunction = (L) => {
  const size = getn(L, 1, TAB_R | TAB_W);
  let pos = lauxlib.luaL_optinteger(L, 2, size);
  if (pos !== size && (pos < 1 || pos > size + 1)) lauxlib.luaL_argerror(L, 1, "position out of bounds");
  lua.lua_geti(L, 1, pos);
  for (; pos < size; pos++) {
    tick(L);
    lua.lua_geti(L, 1, pos + 1);
    lua.lua_seti(L, 1, pos);
  }
  lua.lua_pushnil(L);
  lua.lua_seti(L, 1, pos);
  return 1;
};

const move: CFunction = (L) => {
  const f = lauxlib.luaL_checkinteger(L, 2);
  const e = lauxlib.luaL_checkinteger(L, 3);
  const t = lauxlib.luaL_checkinteger(L, 4);
  const tt = lua.lua_isnoneornil(L, 5) ? 1 : 5;
  checktab(L, 1, TAB_R);
  checktab(L, tt, TAB_W);
  if (e >= f) {
    if (!(f > 0 || e < MAXINT + f)) lauxlib.luaL_argerror(L, 3, "too many elements to move");
    const n = e - f + 1;
    if (t > MAXINT - n + 1) lauxlib.luaL_argerror(L, 4, "destination wrap around");
    const forward = t > e || t <= f || (tt !== 1 && lua.lua_compare(L, 1, tt, lua.LUA_OPEQ) !== 1);
    for (let k = 0; k < n; k++) {
      const i = forward ? k : n - 1 - k;
      tick(L);
      lua.lua_geti(L, 1, f + i);
      lua.lua_seti(L, tt, t + i);
    }
  }
  lua.lua_pushvalue(L, tt);
  return 1;
};

const concat: CFunction = (L) => {
  const guard = callContext(L).guard;
  let last = getn(L, 1, TAB_R);
  const sep = lauxlib.luaL_optlstring(L, 2, "") as Uint8Array;
  let i = lauxlib.luaL_optinteger(L, 3, 1);
  last = lauxlib.luaL_optinteger(L, 4, last);
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for (; i <= last; i++) {
    guard.tick(L, FENGARI_STRING_COSTS.perJoinedPiece);
    lua.lua_geti(L, 1, i);
    if (!lua.lua_isstring(L, -1)) {
      lauxlib.luaL_error(L, to_luastring("invalid value (%s) at index %d in table for 'concat'"), lauxlib.luaL_typename(L, -1), i);
    }
    const s = lua.lua_tostring(L, -1) as Uint8Array;
    bytes += s.length + (i < last ? sep.length : 0);
    guard.checkString(L, "lib", bytes, "table.concat result");
    parts.push(s);
    if (i < last && sep.length > 0) parts.push(sep);
    lua.lua_pop(L, 1);
  }
  pushConcat(L, parts, bytes);
  return 1;
};

const pack: CFunction = (L) => {
  const n = lua.lua_gettop(L);
  tick(L, n);
  lua.lua_createtable(L, n, 1);
  lua.lua_insert(L, 1);
  for (let i = n; i >= 1; i--) lua.lua_seti(L, 1, i);
  lua.lua_pushinteger(L, n);
  lua.lua_setfield(L, 1, "n");
  return 1;
};

const unpack: CFunction = (L) => {
  let i = lauxlib.luaL_optinteger(L, 2, 1);
  const e = lua.lua_isnoneornil(L, 3) ? lauxlib.luaL_len(L, 1) : lauxlib.luaL_checkinteger(L, 3);
  if (i > e) return 0;
  const n = e - i + 1;
  if (n >= MAXINT || !lua.lua_checkstack(L, n)) return lauxlib.luaL_error(L, "too many results to unpack");
  const guard = callContext(L).guard;
  guard.tick(L, n);
  guard.charge(n * HEAP_COST.slot);
  for (; i <= e; i++) lua.lua_geti(L, 1, i);
  return n;
};

const sort: CFunction = (L) => {
  const n = getn(L, 1, TAB_R | TAB_W);
  if (n > 1) {
    if (n >= MAXINT) lauxlib.luaL_argerror(L, 1, "array too big");
    if (!lua.lua_isnoneornil(L, 2)) lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION);
    lua.lua_settop(L, 2);
    auxsort(L, 1, n, 0);
  }
  return 0;
};

const RANLIMIT = 100;

function set2(L: LuaState, i: number, j: number): void {
  lua.lua_seti(L, 1, i);
  lua.lua_seti(L, 1, j);
}

function lessThan(L: LuaState, a: number, b: number): boolean {
  tick(L);
  if (lua.lua_type(L, 2) === lua.LUA_TNIL) return lua.lua_compare(L, a, b, lua.LUA_OPLT) === 1;
  lua.lua_pushvalue(L, 2);
  lua.lua_pushvalue(L, a - 1);
  lua.lua_pushvalue(L, b - 2);
  lua.lua_call(L, 2, 1);
  const res = lua.lua_toboolean(L, -1);
  lua.lua_pop(L, 1);
  return res;
}

function partition(L: LuaState, lo: number, up: number): number {
  let i = lo;
  let j = up - 1;
  for (;;) {
    while ((lua.lua_geti(L, 1, ++i), lessThan(L, -1, -2))) {
      if (i === up - 1) lauxlib.luaL_error(L, "invalid order function for sorting");
      lua.lua_pop(L, 1);
    }
    while ((lua.lua_geti(L, 1, --j), lessThan(L, -3, -1))) {
      if (j < i) lauxlib.luaL_error(L, "invalid order function for sorting");
      lua.lua_pop(L, 1);
    }
    if (j < i) {
      lua.lua_pop(L, 1);
      set2(L, up - 1, i);
      return i;
    }
    set2(L, i, j);
  }
}

/** A pivot offset that depends only on the interval, replacing Lua's clock/Math.random one. */
function pivotSeed(lo: number, up: number): number {
  return (Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(up, 0xc2b2ae35)) >>> 0;
}

function auxsort(L: LuaState, lo: number, up: number, rnd: number): void {
  while (lo < up) {
    lua.lua_geti(L, 1, lo);
    lua.lua_geti(L, 1, up);
    if (lessThan(L, -1, -2)) set2(L, lo, up);
    else lua.lua_pop(L, 2);
    if (up - lo === 1) return;
    let p: number;
    if (up - lo < RANLIMIT || rnd === 0) p = Math.floor((lo + up) / 2);
    else {
      const r4 = Math.floor((up - lo) / 4);
      p = (rnd % (r4 * 2)) + (lo + r4);
    }
    lua.lua_geti(L, 1, p);
    lua.lua_geti(L, 1, lo);
    if (lessThan(L, -2, -1)) set2(L, p, lo);
    else {
      lua.lua_pop(L, 1);
      lua.lua_geti(L, 1, up);
      if (lessThan(L, -1, -2)) set2(L, p, up);
      else lua.lua_pop(L, 2);
    }
    if (up - lo === 2) return;
    lua.lua_geti(L, 1, p);
    lua.lua_pushvalue(L, -1);
    lua.lua_geti(L, 1, up - 1);
    set2(L, p, up - 1);
    p = partition(L, lo, up);
    let n: number;
    if (p - lo < up - p) {
      auxsort(L, lo, p - 1, rnd);
      n = p - lo;
      lo = p + 1;
    } else {
      auxsort(L, p + 1, up, rnd);
      n = up - p;
      up = p - 1;
    }
    if ((up - lo) / 128 > n) rnd = pivotSeed(lo, up);
  }
}

/** The sandbox's `table` library. */
export const tableLib: Record<string, CFunction> = { concat, insert, move, pack, remove, sort, unpack };
