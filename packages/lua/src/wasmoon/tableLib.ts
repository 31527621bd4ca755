import { LUA } from "./luaExports.ts";
import { WASMOON_STRING_COSTS } from "../stringCosts.ts";
import type { State } from "./luaExports.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";

type Cost = (rt: WasmoonRuntime, L: State) => number;

/**
 * Lua's own table function `name`, charged `cost` instructions before it runs, so a C loop
 * (table.move over 2^40 slots, a `__len` that lies) cannot run unmetered. Arguments that are
 * not tables cost nothing here and fail in Lua's function with Lua's message.
 */
function charged(name: string, cost: Cost, what: string | null = null): LibFunction {
  return (rt, L) => {
    const guard = rt.current().guard;
    if (rt.x.lua_type(L, 1) === LUA.TTABLE) guard.tick(Math.max(0, cost(rt, L)));
    const previous = guard.building;
    guard.building = what ?? previous;
    try {
      return rt.callC(rt.original(`table.${name}`), L);
    } finally {
      guard.building = previous;
    }
  };
}

const length = (rt: WasmoonRuntime, L: State) => Number(rt.x.luaL_len(L, 1));
const integer = (rt: WasmoonRuntime, L: State, arg: number, def: () => number) =>
  rt.x.lua_type(L, arg) > LUA.TNIL ? Number(rt.x.luaL_checkinteger(L, arg)) : def();

/** Replacements for functions of Lua's table library. */
export const tableLib: Record<string, LibFunction> = {
  concat: charged(
    "concat",
    (rt, L) => (integer(rt, L, 4, () => length(rt, L)) - integer(rt, L, 3, () => 1) + 1) * WASMOON_STRING_COSTS.perJoinedPiece,
    "table.concat result",
  ),
  insert: charged("insert", (rt, L) => (rt.x.lua_gettop(L) === 3 ? length(rt, L) - integer(rt, L, 2, () => 0) + 1 : 1)),
  remove: charged("remove", (rt, L) => {
    const n = length(rt, L);
    return n - integer(rt, L, 2, () => n) + 1;
  }),
  move: charged("move", (rt, L) => integer(rt, L, 3, () => 0) - integer(rt, L, 2, () => 0) + 1),
  pack: charged("pack", (rt, L) => rt.x.lua_gettop(L)),
  unpack: charged("unpack", (rt, L) => integer(rt, L, 3, () => length(rt, L)) - integer(rt, L, 2, () => 1) + 1),
  sort: charged("sort", (rt, L) => {
    const n = length(rt, L);
    return n * Math.ceil(Math.log2(n + 1));
  }),
};
