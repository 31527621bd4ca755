import fengari from "fengari";
import type { CFunction, LuaState, Table } from "fengari";
import { VIEW_NAME, VIEW_READ_ONLY } from "../builtins/tsView.ts";
import { callContext } from "./CallContext.ts";
import { HEAP_COST } from "./heapCost.ts";

const { lua, lauxlib } = fengari;
/** Registry name of the views' shared metatable. */
const META = "shoal.ts.view";
/** Where a view's table keeps its numbers; only JavaScript can reach it. */
const VALUES = Symbol("shoal.ts.values");

type ViewTable = Table & { [VALUES]?: Float64Array };

/**
 * Pushes a `ts` result as a read-only view of `a` (see builtins/tsView.ts), charging one
 * instruction per element, as writing an array would, and the array's bytes to the heap.
 * `a` must be the builtin's own: the view keeps it.
 */
export function pushView(L: LuaState, a: Float64Array): void {
  const guard = callContext(L).guard;
  guard.tick(L, a.length);
  guard.charge(HEAP_COST.table + a.byteLength);
  lua.lua_createtable(L, 0, 0);
  (lua.lua_topointer(L, -1) as ViewTable)[VALUES] = a;
  lauxlib.luaL_setmetatable(L, META);
}

/** The numbers of the view at `arg`, if it is one (shared with the view: do not modify). */
export function viewAt(L: LuaState, arg: number): Float64Array | undefined {
  return lua.lua_type(L, arg) === lua.LUA_TTABLE ? viewOf(lua.lua_topointer(L, arg) as Table) : undefined;
}

/** The numbers of the view `t`, if it is one; for the heap measure and the result reader. */
export function viewOf(t: Table): Float64Array | undefined {
  return (t as ViewTable)[VALUES];
}

/** Creates the views' metatable in the registry; call once while building the sandbox. */
export function installViewMetatable(L: LuaState): void {
  lauxlib.luaL_newmetatable(L, META);
  const meta: Record<string, CFunction> = { __index: index, __newindex: refuse, __len: length };
  for (const [name, fn] of Object.entries(meta)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pushstring(L, VIEW_NAME);
  lua.lua_setfield(L, -2, "__metatable");
  lua.lua_pop(L, 1);
}

/** Wraps the base library's `rawset` or `setmetatable` to refuse a view as its first argument. */
export function refusingViews(f: CFunction): CFunction {
  return (L) => (viewAt(L, 1) !== undefined ? refuse(L) : f(L));
}

const index: CFunction = (L) => {
  const a = viewAt(L, 1) as Float64Array;
  const i = lua.lua_type(L, 2) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, 2) : 0;
  if (Number.isInteger(i) && i >= 1 && i <= a.length) lua.lua_pushnumber(L, a[i - 1] as number);
  else lua.lua_pushnil(L);
  return 1;
};

const length: CFunction = (L) => {
  lua.lua_pushinteger(L, (viewAt(L, 1) as Float64Array).length);
  return 1;
};

const refuse: CFunction = (L) => lauxlib.luaL_error(L, "%s", VIEW_READ_ONLY);
