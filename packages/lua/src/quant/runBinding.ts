import type { Json } from "@shoal/protocol";
import fengari from "fengari";
import type { CFunction, LuaState } from "fengari";
import { callContext } from "../fengari/CallContext.ts";
import { pushJson, seriesOf } from "../fengari/convert.ts";
import { resultOf } from "./backtest.ts";
import { Backtester } from "./Backtester.ts";
import { number } from "../builtins/ArgShape.ts";
import { FengariBuiltinCall } from "../fengari/FengariBuiltinCall.ts";
import { arrayArg, fail, typeName, vectorAt } from "./QuantVector.ts";

const { lua } = fengari;

interface Fill {
  i: number;
  time: number;
  price: number;
  from: number;
  to: number;
  cost: number;
}

/**
 * `quant.run(series, strategy [, opts])`: calls `strategy.on_bar(bar, ctx)` for every bar,
 * halo included (`bar.owned` is false there), with one `bar` table reused for all bars
 * (fields i, time, owned and one per column). `ctx:target(x)` sets the position traded at
 * this bar's close, exactly as `position[i]` in quant.backtest, so both give the same
 * metrics; `ctx:position()`, `ctx:equity()`, `ctx:cash()` and `ctx:fills()` report state.
 * opts: fee_bps, slippage_bps, periods_per_year, curve.
 */
export const run: CFunction = (L) => {
  const { time, first, columns } = readSeries(L);
  if (lua.lua_type(L, 2) !== lua.LUA_TTABLE) fail(L, "run", `argument #2 must be a strategy table (got ${typeName(L, 2)})`);
  lua.lua_getfield(L, 2, "on_bar");
  if (lua.lua_type(L, -1) !== lua.LUA_TFUNCTION) fail(L, "run", "strategy.on_bar must be a function");
  const onBar = lua.lua_gettop(L);
  const close = columns.get("close");
  if (close === undefined) fail(L, "run", "the series has no close column");
  const n = close.length;
  const option = (name: string) => {
    if (lua.lua_type(L, 3) !== lua.LUA_TTABLE) return undefined;
    lua.lua_getfield(L, 3, name);
    const x = lua.lua_type(L, -1) === lua.LUA_TNIL ? undefined : number(`opts.${name}`).read(new FengariBuiltinCall(L), { lib: "quant", name: "run" }, lua.lua_gettop(L));
    lua.lua_pop(L, 1);
    return x;
  };
  const costBps = (option("fee_bps") ?? 0) + (option("slippage_bps") ?? 0);
  const points = option("curve");
  let bt: Backtester;
  try {
    bt = new Backtester({
      costBps,
      periodsPerYear: option("periods_per_year") ?? null,
      curve: points === undefined ? undefined : { points, ownedBars: Math.max(0, n - first + 1) },
    });
  } catch (e) {
    if (e instanceof RangeError) fail(L, "run", e.message);
    throw e;
  }

  let target = 0;
  let t = 0;
  const fills: Fill[] = [];
  const ctx = pushContext(L, {
    target: (x) => {
      target = x;
    },
    position: () => target,
    equity: () => bt.markToMarket(close[t] as number, t >= first - 1),
    fills: () => fills,
  });

  // One bar table; its keys stay on the stack so each update is a rawset without new strings.
  const names = ["i", "time", "owned", ...columns.keys()];
  lua.lua_createtable(L, 0, names.length);
  const bar = lua.lua_gettop(L);
  ensureStack(L, names.length + 4);
  const keys = lua.lua_gettop(L) + 1;
  for (const name of names) lua.lua_pushstring(L, name);
  const cols = [...columns.values()];
  const guard = callContext(L).guard;

  for (t = 0; t < n; t++) {
    guard.tick(L, 1 + cols.length);
    const owned = t >= first - 1;
    const tt = time ? (time[t] as number) : NaN;
    setNumber(L, bar, keys, t + 1);
    setNumber(L, bar, keys + 1, tt);
    lua.lua_pushvalue(L, keys + 2);
    lua.lua_pushboolean(L, owned);
    lua.lua_rawset(L, bar);
    for (let c = 0; c < cols.length; c++) setNumber(L, bar, keys + 3 + c, (cols[c] as Float64Array)[t] as number);
    const before = Number.isNaN(target) ? 0 : target;
    lua.lua_pushvalue(L, onBar);
    lua.lua_pushvalue(L, bar);
    lua.lua_pushvalue(L, ctx);
    lua.lua_call(L, 2, 0);
    bt.bar(close[t] as number, tt, target, owned);
    const after = Number.isNaN(target) ? 0 : target;
    if (after !== before) {
      fills.push({ i: t + 1, time: tt, price: close[t] as number, from: before, to: after, cost: Math.abs(after - before) * (costBps / 10_000) });
    }
  }
  pushJson(L, resultOf([bt.parts()]) as unknown as Json);
  return 1;
};

function ensureStack(L: LuaState, n: number): void {
  if (!lua.lua_checkstack(L, n)) fail(L, "run", "too many columns");
}

function setNumber(L: LuaState, table: number, key: number, x: number): void {
  lua.lua_pushvalue(L, key);
  lua.lua_pushnumber(L, x);
  lua.lua_rawset(L, table);
}

interface ContextHooks {
  target(x: number): void;
  position(): number;
  equity(): number;
  fills(): readonly Fill[];
}

/** Pushes the `ctx` table of one run and returns its stack index. */
function pushContext(L: LuaState, hooks: ContextHooks): number {
  const methods: Record<string, CFunction> = {
    target: (L) => {
      if (lua.lua_type(L, 2) !== lua.LUA_TNUMBER) fail(L, "run", `ctx:target(x) needs a number (got ${typeName(L, 2)})`);
      hooks.target(lua.lua_tonumber(L, 2));
      return 0;
    },
    position: (L) => {
      lua.lua_pushnumber(L, hooks.position());
      return 1;
    },
    equity: (L) => {
      lua.lua_pushnumber(L, hooks.equity());
      return 1;
    },
    cash: (L) => {
      const equity = hooks.equity();
      const p = hooks.position();
      lua.lua_pushnumber(L, equity - (Number.isNaN(p) ? 0 : p) * equity);
      return 1;
    },
    fills: (L) => {
      const fills = hooks.fills();
      callContext(L).guard.tick(L, fills.length);
      pushJson(L, fills.map((f) => ({ ...f, time: Number.isNaN(f.time) ? null : f.time })) as unknown as Json);
      return 1;
    },
  };
  lua.lua_createtable(L, 0, 5);
  for (const [name, fn] of Object.entries(methods)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  return lua.lua_gettop(L);
}

/** The series at argument 1: the table map received (read without building Lua arrays) or a table of columns. */
function readSeries(L: LuaState): { time: Float64Array | undefined; first: number; columns: Map<string, Float64Array> } {
  const series = seriesOf(L, 1);
  if (series !== undefined) {
    return { time: series.time, first: series.first, columns: new Map(Object.entries(series.columns)) };
  }
  if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) fail(L, "run", `argument #1 must be a series (got ${typeName(L, 1)})`);
  const columns = new Map<string, Float64Array>();
  let time: Float64Array | undefined;
  let first = 1;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    if (lua.lua_type(L, -2) === lua.LUA_TSTRING) {
      const name = fengari.to_jsstring(lua.lua_tostring(L, -2) as Uint8Array, 0, undefined, true);
      const top = lua.lua_gettop(L);
      if (name === "first") first = lua.lua_type(L, top) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, top) : NaN;
      else if (vectorAt(L, top) !== undefined || lua.lua_type(L, top) === lua.LUA_TTABLE) {
        const a = arrayArg(L, "run", top, `series.${name}`);
        if (name === "time") time = a;
        else columns.set(name, a);
      }
    }
    lua.lua_pop(L, 1);
  }
  if (!Number.isInteger(first) || first < 1) fail(L, "run", "series.first must be a positive integer");
  for (const [name, a] of columns) {
    if (a.length !== columns.get("close")?.length) fail(L, "run", `series.${name} and series.close differ in length`);
  }
  if (time && time.length !== columns.get("close")?.length) fail(L, "run", "series.time and series.close differ in length");
  return { time, first, columns };
}
