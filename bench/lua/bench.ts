// bench/lua: one SMA-crossover sweep under native lua5.4, fengari (plain Lua and `ts`
// builtins, through packages/lua as jobs run), and plain JavaScript. Medians of repeats.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fengariEngine } from "@shoal/lua";
import { backtestJs, PLAIN_LUA, POINTS, TS_LUA, walk, WALK_LUA } from "./kernels.ts";

const BARS = Number(process.env.BENCH_BARS ?? 200_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

interface Row {
  name: string;
  ms: number;
  results: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (pairs: Array<[number, number]>) => pairs.map(([s, t]) => `${s.toFixed(9)}/${t}`).join(" ");

function timeRuns(run: () => Array<[number, number]>): { ms: number; results: string } {
  let results = "";
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    results = fmt(run());
    times.push(performance.now() - t0);
  }
  return { ms: median(times), results };
}

function nativeLua(): Row | string {
  const lua = ["lua5.4", "lua"].find((bin) => spawnSync(bin, ["-v"]).status === 0);
  if (!lua) return "native lua5.4 not installed (Debian: apt-get install lua5.4): skipped";
  const dir = mkdtempSync(join(tmpdir(), "shoal-bench-"));
  const file = join(dir, "kernel.lua");
  const points = POINTS.map((p) => `{${p.fast},${p.slow}}`).join(",");
  writeFileSync(
    file,
    `${WALK_LUA}${PLAIN_LUA}
local close = walk(${BARS})
local points = {${points}}
for rep = 1, ${REPEATS} do
  local t0 = os.clock()
  local out = {}
  for _, p in ipairs(points) do
    local s, t = backtest(close, p[1], p[2])
    out[#out + 1] = string.format("%.9f/%d", s, t)
  end
  print(string.format("%.3f", (os.clock() - t0) * 1000) .. " " .. table.concat(out, " "))
end
`,
  );
  const lines = execFileSync(lua, [file], { encoding: "utf8" }).trim().split("\n");
  const times = lines.map((line) => Number(line.split(" ")[0]));
  return { name: `native ${lua} (plain Lua)`, ms: median(times), results: lines[0]!.split(" ").slice(1).join(" ") };
}

function fengari(name: string, source: string): Row {
  const job = fengariEngine.load({ source, budget: 1e12 });
  const close = walk(BARS);
  const series = { key: "walk", time: new Float64Array(BARS), columns: { close }, first: 1 };
  const { ms, results } = timeRuns(() =>
    POINTS.map((p) => {
      const { value } = job.map(series, p, 1) as unknown as { value: { sharpe: number; trades: number } };
      return [value.sharpe, value.trades];
    }),
  );
  job.dispose();
  return { name, ms, results };
}

function plainJs(): Row {
  const close = walk(BARS);
  return { name: "plain JavaScript", ...timeRuns(() => POINTS.map((p) => backtestJs(close, p.fast, p.slow))) };
}

const MAP = `
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
rows.push(fengari("fengari, plain Lua (packages/lua)", PLAIN_LUA + MAP));
rows.push(fengari("fengari, ts builtins (packages/lua)", TS_LUA));
rows.push(plainJs());

const base = typeof native === "string" ? rows[rows.length - 1]! : native;
console.log(`SMA-crossover sweep, ${POINTS.length} points × ${BARS} bars, median of ${REPEATS} (hook-based budget on for fengari)\n`);
console.log(`| runner | median ms | × ${base.name} | results agree |`);
console.log("| --- | ---: | ---: | --- |");
for (const row of rows) {
  const agree = row.results === base.results ? "yes" : `NO: ${row.results}`;
  console.log(`| ${row.name} | ${row.ms.toFixed(1)} | ${(row.ms / base.ms).toFixed(2)} | ${agree} |`);
}
for (const note of notes) console.log(`\n${note}`);
console.log(`\nreference results (sharpe/trades): ${base.results}`);
