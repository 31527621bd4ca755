import { VIEW_NAME, VIEW_READ_ONLY } from "../builtins/tsView.ts";
import { LibError } from "./LibError.ts";
import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";

/** TValue type tag of a float. */
const TAG_FLOAT = 0x13;

/**
 * Pushes a `ts` result as a read-only view of `a` (see builtins/tsView.ts), charging one
 * instruction per element. On wasmoon the numbers live in the Lua heap (so the memory limit
 * counts them), in a hidden table of floats that is the view's `__index`: `v[i]` is then
 * answered inside the VM, as fast as an array's, with no call out to JavaScript. The view's
 * own metatable holds it, protected, with `__newindex` refusing writes and `__len`.
 */
export function pushView(rt: WasmoonRuntime, L: State, a: Float64Array): void {
  const { x, heap } = rt;
  rt.current().guard.tick(a.length);
  x.lua_createtable(L, 0, 0);
  x.lua_createtable(L, 0, 4);
  x.lua_createtable(L, a.length, 0);
  if (a.length > 0) {
    const array = heap.u32[(x.lua_topointer(L, -1) + rt.tableArrayOffset) >> 2] as number;
    const f64 = heap.f64;
    const u8 = heap.u8;
    for (let i = 0, at = array >> 3, tag = array + 8; i < a.length; i++, at += 2, tag += 16) {
      f64[at] = a[i] as number;
      u8[tag] = TAG_FLOAT;
    }
  }
  x.lua_setfield(L, -2, heap.cstr("__index"));
  x.lua_pushcclosure(L, rt.fn(refuse), 0);
  x.lua_setfield(L, -2, heap.cstr("__newindex"));
  x.lua_pushcclosure(L, rt.fn(length), 0);
  x.lua_setfield(L, -2, heap.cstr("__len"));
  heap.pushString(L, VIEW_NAME);
  x.lua_setfield(L, -2, heap.cstr("__metatable"));
  x.lua_setmetatable(L, -2);
}

/**
 * If the value at `arg` is a view, pushes its hidden table of floats and returns true; else
 * pushes nothing. A view is known by its metatable's `__newindex`, which Lua code cannot
 * reach (the metatable is protected), so no table can pass for one.
 */
function pushViewData(rt: WasmoonRuntime, L: State, arg: number): boolean {
  const { x, heap } = rt;
  if (x.lua_type(L, arg) !== LUA.TTABLE) return false;
  const at = x.lua_absindex(L, arg);
  if (x.lua_getmetatable(L, at) === 0) return false;
  x.lua_getfield(L, -1, heap.cstr("__newindex"));
  const ours = x.lua_tocfunction(L, -1) === rt.fn(refuse);
  x.lua_settop(L, -2);
  if (!ours) {
    x.lua_settop(L, -2);
    return false;
  }
  x.lua_getfield(L, -1, heap.cstr("__index"));
  x.lua_rotate(L, -2, 1);
  x.lua_settop(L, -2);
  return true;
}

/** Whether the value at `arg` is a view. */
export function isView(rt: WasmoonRuntime, L: State, arg: number): boolean {
  if (!pushViewData(rt, L, arg)) return false;
  rt.x.lua_settop(L, -2);
  return true;
}

/** A copy of the numbers of the view at `arg`, if it is one; charges nothing. */
export function viewAt(rt: WasmoonRuntime, L: State, arg: number): Float64Array | undefined {
  const { x, heap } = rt;
  if (!pushViewData(rt, L, arg)) return undefined;
  const n = Number(x.lua_rawlen(L, -1));
  const start = n === 0 ? 0 : (heap.u32[(x.lua_topointer(L, -1) + rt.tableArrayOffset) >> 2] as number);
  const f64 = heap.f64;
  const out = new Float64Array(n);
  for (let i = 0, at = start >> 3; i < n; i++, at += 2) out[i] = f64[at] as number;
  x.lua_settop(L, -2);
  return out;
}

/** The error of every write to a view; also `rawset(view, …)` and `setmetatable(view, …)`. */
export function refuseView(): never {
  throw new LibError(VIEW_READ_ONLY);
}

const refuse: LibFunction = () => refuseView();

const length: LibFunction = (rt, L) => {
  pushViewData(rt, L, 1);
  rt.x.lua_pushinteger(L, rt.x.lua_rawlen(L, -1));
  return 1;
};
