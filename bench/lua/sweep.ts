// One runner of bench/lua, in its own process so that its first (cold) sweep and its peak
// memory are its own: `node --import tsx bench/lua/sweep.ts '<SweepConfig as JSON>'` prints
// the CPU milliseconds of each sweep, the results and the process's peak RSS as JSON.
import { fengariEngine, prepareEngine } from "@shoal/lua";
import { backtestJs, PLAIN_LUA, POINTS, TS_LUA, walk } from "./kernels.ts";

export interface SweepConfig {
  runner: "fengari" | "wasmoon" | "js";
  /** The kernel in plain Lua, on the `ts` builtins, or "touch": a map that only takes its data in (the per-call overhead). */
  source: "plain" | "ts" | "touch";
  /** Instructions per call; null runs without a budget (wasmoon then has no count hook). */
  budget: number | null;
  /** wasmoon: run prepareEngine's warm-up before the first sweep. */
  warmUp: boolean;
  bars: number;
  repeats: number;
}

export interface SweepReport {
  times: number[];
  results: string;
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
const SOURCES = { plain: PLAIN_LUA + MAP, ts: TS_LUA, touch: TOUCH };

/** CPU milliseconds of this process, all threads (V8's compiler included), as os.clock measures native Lua. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function sweeper(config: SweepConfig): Promise<() => Array<[number, number]>> {
  const close = walk(config.bars);
  if (config.runner === "js") return () => POINTS.map((p) => backtestJs(close, p.fast, p.slow));
  const engine = config.runner === "fengari" ? fengariEngine : await prepareEngine("wasmoon", { warmUp: config.warmUp });
  const job = engine.load({ source: SOURCES[config.source], budget: config.budget ?? Infinity });
  const series = { key: "walk", time: new Float64Array(config.bars), columns: { close }, first: 1 };
  return () =>
    POINTS.map((p) => {
      const value = job.map(series, p, 1).value as { sharpe: number; trades: number };
      return [value.sharpe, value.trades];
    });
}

const config = JSON.parse(process.argv[2] ?? "{}") as SweepConfig;
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
  maxRssMb: process.resourceUsage().maxRSS / 1024,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
