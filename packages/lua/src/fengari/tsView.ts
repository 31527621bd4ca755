import fengari from "fengari";
import type { CFunction, LuaState, Table, TableEntry } from "fengari";
import defs from "fengari/src/defs.js";
import lobject from "fengari/src/lobject.js";
import { VIEW_NAME, VIEW_READ_ONLY } from "../builtins/tsView.ts";
import { callContext } from "./CallContext.ts";
import { HEAP_COST } from "./heapCost.ts";

const { lua, lauxlib } = fengari;
const FLOAT = defs.constant_types["LUA_TNUMFLT"]!;
/** Where a view's table keeps its numbers; only JavaScript can reach it. */
const VALUES = Symbol("shoal.ts.values");

type ViewTable = Table & { [VALUES]?: Float64Array };

/**
 * The entries of a view's hidden `__index` table: keys 1..n answered from the Float64Array
 * through one reused entry (the VM copies a found value out at once), every other key absent.
 * So `v[i]` costs two table lookups in fengari's VM and no call to a metamethod function
 * (about 0.75 µs a read in bench/lua's profile). Only the VM's lookups ever reach this table: it is
 * the field of a protected metatable, so Lua code can neither iterate nor change it.
 */
class ViewEntries extends Map<unknown, TableEntry> {
  readonly #a: Float64Array;
  readonly #entry: TableEntry = { key: new lobject.TValue(FLOAT, 0), value: new lobject.TValue(FLOAT, 0), p: undefined, n: undefined };

  constructor(a: Float64Array) {
    super();
    this.#a = a;
  }

  override get(key: unknown): TableEntry | undefined {
    if (typeof key !== "number" || !(key >= 1 && key <= this.#a.length) || !Number.isInteger(key)) return undefined;
    this.#entry.value.value = this.#a[key - 1];
    return this.#entry;
  }
}

/** What a view adds to the heap beside its numbers: the view, its metatable with four fields, the hidden table. */
const VIEW_HEAP = 3 * HEAP_COST.table + 4 * HEAP_COST.entry;

/**
 * Pushes a `ts` result as a read-only view of `a` (see builtins/tsView.ts), charging one
 * instruction per element, as writing an array would, and the array's bytes to the heap.
 * `a` must be the builtin's own: the view keeps it.
 */
export function pushView(L: LuaState, a: Float64Array): void {
  const guard = callContext(L).guard;
  guard.tick(L, a.length);
  guard.charge(VIEW_HEAP + a.byteLength);
  lua.lua_createtable(L, 0, 0);
  (lua.lua_topointer(L, -1) as ViewTable)[VALUES] = a;
  lua.lua_createtable(L, 0, 4);
  lua.lua_createtable(L, 0, 0);
  (lua.lua_topointer(L, -1) as Table).strong = new ViewEntries(a);
  lua.lua_setfield(L, -2, "__index");
  for (const [name, fn] of Object.entries(META)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pushstring(L, VIEW_NAME);
  lua.lua_setfield(L, -2, "__metatable");
  lua.lua_setmetatable(L, -2);
}

/** The numbers of the view at `arg`, if it is one (shared with the view: do not modify). */
export function viewAt(L: LuaState, arg: number): Float64Array | undefined {
  return lua.lua_type(L, arg) === lua.LUA_TTABLE ? viewOf(lua.lua_topointer(L, arg) as Table) : undefined;
}

/** The numbers of the view `t`, if it is one; for the heap measure and the result reader. */
export function viewOf(t: Table): Float64Array | undefined {
  return (t as ViewTable)[VALUES];
}

/** Wraps the base library's `rawset` or `setmetatable` to refuse a view as its first argument. */
export function refusingViews(f: CFunction): CFunction {
  return (L) => (viewAt(L, 1) !== undefined ? refuse(L) : f(L));
}

const length: CFunction = (L) => {
  lua.lua_pushinteger(L, (viewAt(L, 1) as Float64Array).length);
  return 1;
};

const refuse: CFunction = (L) => lauxlib.luaL_error(L, "%s", VIEW_READ_ONLY);

/** The functions of every view's metatable beside its `__index`. */
const META: Record<string, CFunction> = { __newindex: refuse, __len: length };
