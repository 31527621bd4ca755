import fengari from "fengari";
import type { LuaState, Table, TableEntry } from "fengari";
import defs from "fengari/src/defs.js";
import lobject from "fengari/src/lobject.js";
import type { NotNumbers } from "../builtins/BuiltinCall.ts";
import { callContext } from "./CallContext.ts";
import { HEAP_COST } from "./heapCost.ts";

const { lua, lauxlib, to_jsstring } = fengari;
const INT = defs.constant_types["LUA_TNUMINT"]!;
const FLOAT = defs.constant_types["LUA_TNUMFLT"]!;
const NUMBER = 3;
const TYPE_NAMES = ["nil", "boolean", "userdata", "number", "string", "table", "function", "userdata", "thread"];

/**
 * Reads the Lua array at `arg` (elements 1..#a, raw, all numbers) into a Float64Array,
 * charging one instruction per element; or says what is wrong with it. Entries are read from
 * the table's storage: in insertion order while their keys run 1, 2, 3, … (how arrays are
 * usually built), by key lookup from the first that does not.
 */
export function readNumberTable(L: LuaState, arg: number): Float64Array | NotNumbers {
  if (lua.lua_type(L, arg) !== lua.LUA_TTABLE) return { got: to_jsstring(lauxlib.luaL_typename(L, arg)) };
  const n = lua.lua_rawlen(L, arg);
  callContext(L).guard.tick(L, n);
  const t = lua.lua_topointer(L, arg) as Table;
  const out = new Float64Array(n);
  let i = 0;
  for (let e = t.f; i < n && e !== undefined && e.key.type === INT && e.key.value === i + 1; e = e.n, i++) {
    const v = e.value;
    if ((v.type & 15) !== NUMBER) return { element: i + 1, got: TYPE_NAMES[v.type & 15] ?? "value" };
    out[i] = v.value as number;
  }
  for (; i < n; i++) {
    const v = t.strong.get(i + 1)?.value;
    if (v === undefined || (v.type & 15) !== NUMBER) return { element: i + 1, got: v === undefined ? "nil" : (TYPE_NAMES[v.type & 15] ?? "value") };
    out[i] = v.value as number;
  }
  return out;
}

/**
 * Pushes a new Lua array of floats holding `a`, charging one instruction and one table entry
 * of heap per element. The entries are built straight into the table's storage, exactly as n
 * `lua_rawseti` calls in order would leave them (keys 1..n in insertion order, each entry with
 * its own key and value), without their per-call cost.
 */
export function pushNumberTable(L: LuaState, a: Float64Array): void {
  const guard = callContext(L).guard;
  guard.tick(L, a.length);
  lua.lua_createtable(L, a.length, 0);
  if (a.length === 0) return;
  guard.charge(a.length * HEAP_COST.entry);
  const t = lua.lua_topointer(L, -1) as Table;
  const strong = t.strong;
  let prev: TableEntry | undefined;
  for (let i = 0; i < a.length; i++) {
    const entry: TableEntry = { key: new lobject.TValue(INT, i + 1), value: new lobject.TValue(FLOAT, a[i]), p: prev, n: undefined };
    if (prev === undefined) t.f = entry;
    else prev.n = entry;
    strong.set(i + 1, entry);
    prev = entry;
  }
  t.l = prev;
}
