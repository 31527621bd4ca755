import type { Json } from "@shoal/protocol";
import { resultOf } from "../quant/backtest.ts";
import { Backtester } from "../quant/Backtester.ts";
import { pushJson, seriesAt } from "./convert.ts";
import { LUA, upvalueIndex } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { number } from "../builtins/ArgShape.ts";
import { WasmoonBuiltinCall } from "./WasmoonBuiltinCall.ts";
import { arrayArg, fail, typeName, vectorAt } from "./quantVector.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";

interface Fill {
  i: number;
  time: number;
  price: number;
  from: number;
  to: number;
  cost: number;
}

/** The state of one `quant.run`, which its `ctx` methods reach through their upvalue (the run's index in the call). */
export interface QuantRun {
  target: number;
  equity(): number;
  readonly fills: Fill[];
}

/**
 * `quant.run(series, strategy [, opts])` on wasmoon, as on fengari (docs/quant.md): calls
 * `strategy.on_bar(bar, ctx)` for every bar, halo included, with one `bar` table reused for
 * all bars; `ctx:target(x)` sets the position traded at this bar's close.
 */
export const quantRun: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  const call = rt.current();
  const { time, first, columns } = readSeries(rt, L);
  if (x.lua_type(L, 2) !== LUA.TTABLE) fail("run", `argument #2 must be a strategy table (got ${typeName(rt, L, 2)})`);
  if (x.lua_getfield(L, 2, heap.cstr("on_bar")) !== LUA.TFUNCTION) fail("run", "strategy.on_bar must be a function");
  const onBar = x.lua_gettop(L);
  const close = columns.get("close");
  if (close === undefined) fail("run", "the series has no close column");
  const n = close.length;
  const option = (name: string) => {
    if (x.lua_type(L, 3) !== LUA.TTABLE) return undefined;
    const type = x.lua_getfield(L, 3, heap.cstr(name));
    const v = type === LUA.TNIL ? undefined : number(`opts.${name}`).read(new WasmoonBuiltinCall(rt, L), { lib: "quant", name: "run" }, x.lua_gettop(L));
    x.lua_settop(L, -2);
    return v;
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
    if (e instanceof RangeError) fail("run", e.message);
    throw e;
  }

  let t = 0;
  const run: QuantRun = { target: 0, equity: () => bt.markToMarket(close[t] as number, t >= first - 1), fills: [] };
  call.runs.push(run);
  x.lua_createtable(L, 0, 5);
  for (const [name, method] of Object.entries(contextMethods)) {
    x.lua_pushinteger(L, BigInt(call.runs.length - 1));
    x.lua_pushcclosure(L, rt.fn(method), 1);
    x.lua_setfield(L, -2, heap.cstr(name));
  }
  const ctx = x.lua_gettop(L);

  // One bar table; its keys stay on the stack so each update is a rawset without new strings.
  const names = ["i", "time", "owned", ...columns.keys()];
  x.lua_createtable(L, 0, names.length);
  const bar = x.lua_gettop(L);
  if (x.lua_checkstack(L, names.length + 4) === 0) fail("run", "too many columns");
  const keys = x.lua_gettop(L) + 1;
  for (const name of names) heap.pushString(L, name);
  const cols = [...columns.values()];
  const guard = call.guard;
  const setNumber = (key: number, v: number) => {
    x.lua_pushvalue(L, key);
    x.lua_pushnumber(L, v);
    x.lua_rawset(L, bar);
  };

  for (t = 0; t < n; t++) {
    guard.tick(1 + cols.length);
    const owned = t >= first - 1;
    const tt = time ? (time[t] as number) : NaN;
    setNumber(keys, t + 1);
    setNumber(keys + 1, tt);
    x.lua_pushvalue(L, keys + 2);
    x.lua_pushboolean(L, owned ? 1 : 0);
    x.lua_rawset(L, bar);
    for (let c = 0; c < cols.length; c++) setNumber(keys + 3 + c, (cols[c] as Float64Array)[t] as number);
    const before = Number.isNaN(run.target) ? 0 : run.target;
    x.lua_pushvalue(L, onBar);
    x.lua_pushvalue(L, bar);
    x.lua_pushvalue(L, ctx);
    x.lua_callk(L, 2, 0, 0, 0);
    bt.bar(close[t] as number, tt, run.target, owned);
    const after = Number.isNaN(run.target) ? 0 : run.target;
    if (after !== before) {
      run.fills.push({ i: t + 1, time: tt, price: close[t] as number, from: before, to: after, cost: Math.abs(after - before) * (costBps / 10_000) });
    }
  }
  pushJson(rt, L, resultOf([bt.parts()]) as unknown as Json);
  return 1;
};

function runOf(rt: WasmoonRuntime, L: State): QuantRun {
  return rt.current().runs[Number(rt.x.lua_tointegerx(L, upvalueIndex(1), 0))] as QuantRun;
}

const contextMethods: Record<string, LibFunction> = {
  target: (rt, L) => {
    if (rt.x.lua_type(L, 2) !== LUA.TNUMBER) fail("run", `ctx:target(x) needs a number (got ${typeName(rt, L, 2)})`);
    runOf(rt, L).target = rt.x.lua_tonumberx(L, 2, 0);
    return 0;
  },
  position: (rt, L) => {
    rt.x.lua_pushnumber(L, runOf(rt, L).target);
    return 1;
  },
  equity: (rt, L) => {
    rt.x.lua_pushnumber(L, runOf(rt, L).equity());
    return 1;
  },
  cash: (rt, L) => {
    const run = runOf(rt, L);
    const equity = run.equity();
    rt.x.lua_pushnumber(L, equity - (Number.isNaN(run.target) ? 0 : run.target) * equity);
    return 1;
  },
  fills: (rt, L) => {
    const { fills } = runOf(rt, L);
    rt.current().guard.tick(fills.length);
    pushJson(rt, L, fills.map((f) => ({ ...f, time: Number.isNaN(f.time) ? null : f.time })) as unknown as Json);
    return 1;
  },
};

/** The series at argument 1: the table map received (read without building Lua arrays) or a table of columns. */
function readSeries(rt: WasmoonRuntime, L: State): { time: Float64Array | undefined; first: number; columns: Map<string, Float64Array> } {
  const { x, heap } = rt;
  const series = seriesAt(rt, L, 1);
  if (series !== undefined) return { time: series.time, first: series.first, columns: new Map(Object.entries(series.columns)) };
  if (x.lua_type(L, 1) !== LUA.TTABLE) fail("run", `argument #1 must be a series (got ${typeName(rt, L, 1)})`);
  const columns = new Map<string, Float64Array>();
  let time: Float64Array | undefined;
  let first = 1;
  x.lua_pushnil(L);
  while (x.lua_next(L, 1) !== 0) {
    if (x.lua_type(L, -2) === LUA.TSTRING) {
      const name = heap.string(L, -2);
      const top = x.lua_gettop(L);
      if (name === "first") first = x.lua_type(L, top) === LUA.TNUMBER ? x.lua_tonumberx(L, top, 0) : NaN;
      else if (vectorAt(rt, L, top) !== undefined || x.lua_type(L, top) === LUA.TTABLE) {
        const a = arrayArg(rt, L, "run", top, `series.${name}`);
        if (name === "time") time = a;
        else columns.set(name, a);
      }
    }
    x.lua_settop(L, -2);
  }
  if (!Number.isInteger(first) || first < 1) fail("run", "series.first must be a positive integer");
  for (const [name, a] of columns) {
    if (a.length !== columns.get("close")?.length) fail("run", `series.${name} and series.close differ in length`);
  }
  if (time && time.length !== columns.get("close")?.length) fail("run", "series.time and series.close differ in length");
  return { time, first, columns };
}
