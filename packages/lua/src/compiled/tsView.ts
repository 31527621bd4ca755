import { VIEW_NAME, VIEW_READ_ONLY } from "../builtins/tsView.ts";
import { LuaTable } from "./LuaTable.ts";
import { chargeHeap } from "./memory.ts";
import { LuaFloat, LuaThrow, float, type LuaFunction } from "./values.ts";

/** The numbers behind each view made by {@link makeView}. */
const views = new WeakMap<LuaTable, Float64Array>();

/**
 * A `ts` result on the compiled engine (see builtins/tsView.ts): an empty table whose protected
 * metatable reads `a` as an array of floats and refuses writes. `where` gives the position of the
 * Lua code running, for the refusal's message. The numbers' bytes are charged to the call's heap
 * estimate (the table is charged as any table), so a call keeping results past its memory limit stops.
 */
export function makeView(a: Float64Array, meta: LuaTable): LuaTable {
  chargeHeap(a.byteLength);
  const t = new LuaTable();
  t.metatable = meta;
  views.set(t, a);
  return t;
}

/** The numbers of the view `v`, or undefined when `v` is not one. */
export function viewOf(v: unknown): Float64Array | undefined {
  return v instanceof LuaTable ? views.get(v) : undefined;
}

/** The metatable every view of one run shares; `where()` is the position prefix of the running Lua code. */
export function viewMetatable(where: () => string): LuaTable {
  const refuse: LuaFunction = () => {
    throw new LuaThrow(where() + VIEW_READ_ONLY);
  };
  const meta = new LuaTable();
  meta.set("__index", ((t, k) => {
    const a = views.get(t as LuaTable);
    const i = k instanceof LuaFloat ? k.n : k;
    if (a === undefined || typeof i !== "number" || !Number.isInteger(i) || i < 1 || i > a.length) return [undefined];
    return [float(a[i - 1]!)];
  }) as LuaFunction);
  meta.set("__newindex", refuse);
  meta.set("__len", ((t) => [views.get(t as LuaTable)?.length ?? 0]) as LuaFunction);
  meta.set("__metatable", VIEW_NAME);
  return meta;
}

/** Wraps `rawset` or `setmetatable` to refuse a view as its first argument, as the other engines do. */
export function refusingViews(f: LuaFunction, where: () => string): LuaFunction {
  return (...a) => {
    if (viewOf(a[0]) !== undefined) throw new LuaThrow(where() + VIEW_READ_ONLY);
    return f(...a);
  };
}
