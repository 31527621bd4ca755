// bench/quant: the SMA-crossover sweep on 1M bars written with `quant` and run by fengari
// through packages/lua (as jobs run), against the same strategy as plain Lua under native
// lua5.4, plus quant's JavaScript kernels without Lua and plain Lua on fengari for scale.
// Times are CPU time (os.clock for Lua, process.cpuUsage here), single-threaded work, so
// they measure cost per core and other load on the machine disturbs them little.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fengariEngine } from "@shoal/lua";
import { backtest } from "../../packages/lua/src/quant/backtest.ts";
import { above, sma } from "../../packages/lua/src/quant/indicators.ts";
import { walk, WALK_LUA } from "../lua/kernels.ts";
import { FEE_BPS, PLAIN_LUA, POINTS, QUANT_LUA } from "./kernels.ts";

const BARS = Number(process.env.BENCH_BARS ?? 1_000_000);
const REPEATS = Math.max(3, Number(process.env.BENCH_REPEATS ?? 5));

interface Row {
  name: string;
  ms: number;
  runs: number;
  results: Array<[number, number]>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** CPU milliseconds of this process (all its threads, so V8's compiler and GC count too), as os.clock measures Lua. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function timeRuns(name: string, repeats: number, run: () => Array<[number, number]>): Row {
  let results: Array<[number, number]> = [];
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = cpuMs();
    results = run();
    times.push(cpuMs() - t0);
  }
  return { name, ms: median(times), runs: repeats, results };
}

function nativeLua(): Row | string {
  const lua = ["lua5.4", "lua"].find((bin) => spawnSync(bin, ["-v"]).status === 0);
  if (!lua) return "native lua5.4 not installed (Debian: apt-get install lua5.4): skipped";
  const file = join(mkdtempSync(join(tmpdir(), "shoal-bench-")), "kernel.lua");
  const points = POINTS.map((p) => `{${p.fast},${p.slow}}`).join(",");
  writeFileSync(
    file,
    `${WALK_LUA}${PLAIN_LUA}
local close = walk(${BARS})
for rep = 1, ${REPEATS} do
  local t0 = os.clock()
  local out = {}
  for _, p in ipairs({${points}}) do
    local s, t = backtest(close, p[1], p[2])
    out[#out + 1] = string.format("%.17g %d", s, t)
  end
  print(string.format("%.3f", (os.clock() - t0) * 1000), table.concat(out, " "))
end
`,
  );
  const lines = execFileSync(lua, [file], { encoding: "utf8" }).trim().split("\n").map((l) => l.split(/\s+/).map(Number));
  const fields = lines[0]!.slice(1);
  const results = POINTS.map((_, i): [number, number] => [fields[2 * i]!, fields[2 * i + 1]!]);
  return { name: `native ${lua}, plain Lua`, ms: median(lines.map((l) => l[0]!)), runs: lines.length, results };
}

function fengari(name: string, source: string, repeats: number): Row {
  const job = fengariEngine.load({ source, budget: 1e12 });
  const series = { key: "walk", time: new Float64Array(BARS), columns: { close: walk(BARS) }, first: 1 };
  const row = timeRuns(name, repeats, () =>
    POINTS.map((p) => {
      const value = job.map(series, p, 1).value as { sharpe: number; trades: number };
      return [value.sharpe, value.trades];
    }),
  );
  job.dispose();
  return row;
}

function javascript(): Row {
  const close = walk(BARS);
  return timeRuns("quant's JavaScript kernels, no Lua", REPEATS, () =>
    POINTS.map((p) => {
      const r = backtest({ close, position: above(sma(close, p.fast), sma(close, p.slow)), feeBps: FEE_BPS });
      return [r.sharpe, r.trades];
    }),
  );
}

const PLAIN_MAP = `
function map(series, p)
  local s, t = backtest(series.close, p.fast, p.slow)
  return { sharpe = s, trades = t }
end
`;

const rows: Row[] = [];
const notes: string[] = [];
const native = nativeLua();
if (typeof native === "string") notes.push(native);
else rows.push(native);
rows.push(fengari("fengari + quant (packages/lua)", QUANT_LUA, REPEATS));
rows.push(javascript());
rows.push(fengari("fengari, plain Lua (packages/lua)", PLAIN_LUA + PLAIN_MAP, 1));

const base = typeof native === "string" ? rows[0]! : native;
const agrees = (row: Row) =>
  row.results.every(([s, t], i) => {
    const [bs, bt] = base.results[i]!;
    return t === bt && Math.abs(s - bs) <= 1e-9 * Math.abs(bs);
  });
console.log(`SMA-crossover sweep, ${POINTS.length} points × ${BARS} bars, ${FEE_BPS} bp fees; median CPU time of the runs\n`);
console.log(`| runner | runs | median CPU ms (sweep) | ms per point | × ${base.name} | results agree |`);
console.log("| --- | ---: | ---: | ---: | ---: | --- |");
for (const row of rows) {
  const agree = agrees(row) ? "yes" : `NO: ${row.results.map(([s, t]) => `${s}/${t}`).join(" ")}`;
  const cells = [row.name, row.runs, row.ms.toFixed(1), (row.ms / POINTS.length).toFixed(1), (row.ms / base.ms).toFixed(2), agree];
  console.log(`| ${cells.join(" | ")} |`);
}
for (const note of notes) console.log(`\n${note}`);
console.log(`\nreference results (sharpe/trades): ${base.results.map(([s, t]) => `${s.toFixed(12)}/${t}`).join(" ")}`);
