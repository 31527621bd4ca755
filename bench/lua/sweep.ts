// One runner of bench/lua, in its own process so that its first (cold) sweep and its peak
// memory are its own: `node --import tsx bench/lua/sweep.ts '<SweepConfig as JSON>'` prints
// the CPU milliseconds of each sweep, the results and the process's peak RSS as JSON.
import { fengariEngine, prepareEngine } from "@shoal/lua";
import fengari from "fengari";
import { LuaFactory } from "wasmoon";
import { WasmoonRuntime } from "../../packages/lua/src/wasmoon/WasmoonRuntime.ts";
import { createWasmoonEngine, warmUp } from "../../packages/lua/src/wasmoon/WasmoonEngine.ts";
import { backtestJs, BACKEDGE_LUA, PLAIN_LUA, POINTS, TS_LUA, WALK_LUA, walk } from "./kernels.ts";

export interface SweepConfig {
  /** "wasmoon-raw": wasmoon's own API with its default engine, none of Shoal's code: the series is built in Lua, one doString per sweep. */
  runner: "fengari" | "wasmoon" | "wasmoon-raw" | "compiled" | "js";
  /**
   * The kernel in plain Lua, on the `ts` builtins, "backedge": plain Lua with a countdown on every
   * loop iteration and function entry (a source-level back-edge budget), or "touch": a map that
   * only takes its data in (the per-call overhead).
   */
  source: "plain" | "ts" | "backedge" | "touch";
  /** Instructions per call; null runs without a budget (wasmoon then has no count hook). */
  budget: number | null;
  /** wasmoon with a finite budget: "hook" runs the count hook instead of the shipped countdown checks (guard candidates only). */
  guard?: "hook" | "countdown";
  /** Instructions between two runs of the count hook, instead of the engines' own step (guard candidates only). */
  hookStep?: number;
  /** wasmoon: run prepareEngine's warm-up before the first sweep. */
  warmUp: boolean;
  bars: number;
  repeats: number;
}

export interface SweepReport {
  times: number[];
  results: string;
  /** Each point's sharpe and trades at full precision (JSON keeps a double's bits). */
  values: Array<[number, number]>;
  maxRssMb: number;
}

const MAP = `
function map(series, p)
  local s, t = backtest(series.close, p.fast, p.slow)
  return { sharpe = s, trades = t }
end
`;
const TOUCH = `
function map(series, p)
  return { sharpe = 0, trades = #series.close }
end
`;
const SOURCES = { plain: PLAIN_LUA + MAP, ts: TS_LUA, backedge: BACKEDGE_LUA + MAP, touch: TOUCH };

/**
 * Makes both engines run their count hook every `step` instructions where they ask for their
 * usual 1000: the candidate "a count hook with a much larger count". Other intervals (a tripped
 * guard's 1, the layout probe's mark) are left alone.
 */
function stretchHook(step: number): void {
  const usual = 1000;
  const setHook = WasmoonRuntime.prototype.setHook;
  WasmoonRuntime.prototype.setHook = function (L, count) {
    setHook.call(this, L, count === usual ? step : count);
  };
  const { lua } = fengari;
  const sethook = lua.lua_sethook;
  lua.lua_sethook = (L, f, mask, count) => sethook(L, f, mask, count === usual ? step : count);
}

/** CPU milliseconds of this process, all threads (V8's compiler included), as os.clock measures native Lua. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function sweeper(config: SweepConfig): Promise<() => Array<[number, number]>> {
  const close = walk(config.bars);
  if (config.runner === "js") return () => POINTS.map((p) => backtestJs(close, p.fast, p.slow));
  if (config.runner === "wasmoon-raw") return rawWasmoon(config.bars);
  const engine =
    config.runner === "fengari" ? fengariEngine : config.runner === "compiled" ? await prepareEngine("compiled") : config.guard === "hook" ? await hookEngine(config.warmUp) : await prepareEngine("wasmoon", { warmUp: config.warmUp });
  const job = engine.load({ source: SOURCES[config.source], budget: config.budget ?? Infinity });
  const series = { key: "walk", time: new Float64Array(config.bars), columns: { close }, first: 1 };
  return () =>
    POINTS.map((p) => {
      const value = job.map(series, p, 1).value as { sharpe: number; trades: number };
      return [value.sharpe, value.trades];
    });
}

/** wasmoon enforcing the budget with its count hook, as before the countdown checks shipped. */
async function hookEngine(warm: boolean) {
  const engine = createWasmoonEngine(await WasmoonRuntime.load(), "hook");
  if (warm) warmUp(engine);
  return engine;
}

/**
 * The kernel on wasmoon with nothing of Shoal's: no sandbox, no budget, no series taken in from
 * JavaScript. It shows what wasmoon's compiled interpreter itself costs. Each sweep is its own
 * doString, since V8 only runs a function's optimised code from its next call (Lua 5.4 calls
 * Lua functions without re-entering the interpreter loop); warmed like prepareEngine does.
 */
async function rawWasmoon(bars: number): Promise<() => Array<[number, number]>> {
  const lua = await new LuaFactory().createEngine();
  await lua.doString(`${WALK_LUA}${PLAIN_LUA}\n_G.walk, _G.backtest = walk, backtest`);
  for (let i = 0; i < 20; i++) await lua.doString("backtest(walk(2000), 10, 50)");
  await lua.doString(`close = walk(${bars})`);
  const points = POINTS.map((p) => `{${p.fast},${p.slow}}`).join(",");
  const sweep = `local out = {}
    for _, p in ipairs({${points}}) do local s, t = backtest(close, p[1], p[2]); out[#out + 1] = s; out[#out + 1] = t end
    return out`;
  return () => {
    const out = lua.doStringSync(sweep) as number[];
    return POINTS.map((_, i) => [out[2 * i]!, out[2 * i + 1]!]);
  };
}

const config = JSON.parse(process.argv[2] ?? "{}") as SweepConfig;
if (config.hookStep !== undefined) stretchHook(config.hookStep);
const sweep = await sweeper(config);
const times: number[] = [];
let results: Array<[number, number]> = [];
for (let i = 0; i < config.repeats; i++) {
  const t0 = cpuMs();
  results = sweep();
  times.push(cpuMs() - t0);
}
const report: SweepReport = {
  times,
  results: results.map(([s, t]) => `${s.toFixed(9)}/${t}`).join(" "),
  values: results,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
