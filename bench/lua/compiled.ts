// bench/lua/compiled.ts: the plain-Lua sweep (bench/lua/kernels.ts) under the compiled engine
// prototype (packages/lua/src/compiled), beside native lua5.4 and luajit in the same run, with
// the compiled budget checks on and off; then what compiling costs per script.
// `node --import tsx bench/lua/compiled.ts`; BENCH_BARS and BENCH_REPEATS shorten it.
// Times are CPU milliseconds per sweep of the 3 points: cold is the first sweep, best and median
// the later ones. Native runners time only the kernel over a table they already hold, and so
// does the compiled one (the walk is built by compiled Lua first, outside the timing).
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { compileLua } from "../../packages/lua/src/compiled/compileLua.ts";
import { COMPILED_CASES } from "../../packages/lua/src/compiled/compiledCases.ts";
import { rawToString } from "../../packages/lua/src/compiled/runtime.ts";
import type { LuaFunction } from "../../packages/lua/src/compiled/values.ts";
import { CORPUS } from "../../packages/lua/src/differential/corpus.ts";
import { PLAIN_LUA, POINTS, WALK_LUA } from "./kernels.ts";
import { median, nativeSweeps } from "./runners.ts";

const BARS = Number(process.env.BENCH_BARS ?? 1_000_000);
const REPEATS = Math.max(3, Number(process.env.BENCH_REPEATS ?? 5));

interface Row {
  name: string;
  times: number[];
  results: string;
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
const loadBefore = load();

/** The kernel under a native interpreter, `REPEATS` sweeps in one process, CPU ms each (os.clock). */
function native(bin: string): Row | string {
  if (spawnSync(bin, ["-v"]).status !== 0) return `${bin} not installed: skipped`;
  const { times, results } = nativeSweeps(bin, BARS, REPEATS);
  return { name: `native ${bin}`, times, results };
}

/** The kernel compiled to JS, in this process; `budget` emits and charges the back-edge checks. */
function compiled(budget: boolean): Row {
  const chunk = compileLua(`${WALK_LUA}${PLAIN_LUA}\nreturn walk, backtest`, { budget });
  const [walk, backtest] = chunk.run({ budget: budget ? 1e15 : Infinity }) as [LuaFunction, LuaFunction];
  const close = walk(BARS)[0];
  const times: number[] = [];
  let results = "";
  for (let rep = 0; rep < REPEATS; rep++) {
    const t0 = process.cpuUsage();
    const out = POINTS.map((p) => backtest(close, p.fast, p.slow));
    const t = process.cpuUsage(t0);
    times.push((t.user + t.system) / 1000);
    results = out.map(([s, n]) => `${(s as number).toFixed(9)}/${rawToString(n)}`).join(" ");
  }
  return { name: `compiled, budget ${budget ? "on" : "off"}`, times, results };
}

const rows: Row[] = [];
const notes: string[] = [];
for (const r of [native("lua5.4"), native("luajit"), compiled(true), compiled(false)]) {
  if (typeof r === "string") notes.push(r);
  else rows.push(r);
}

const reference = rows[0];
const fmt = (x: number) => x.toFixed(1).padStart(9);
console.log(`plain-Lua sweep, ${POINTS.length} points × ${BARS} bars, CPU ms per sweep (${REPEATS} sweeps)\n`);
console.log(`| runner                  |      cold |      best |    median | × lua5.4 | results agree |`);
console.log(`|-------------------------|-----------|-----------|-----------|----------|---------------|`);
for (const r of rows) {
  const later = r.times.slice(1);
  const best = Math.min(...later);
  const ratio = reference === undefined ? "-" : (best / Math.min(...reference.times.slice(1))).toFixed(2);
  const agree = reference === undefined || r.results === reference.results ? "yes" : `NO: ${r.results}`;
  console.log(`| ${r.name.padEnd(23)} | ${fmt(r.times[0]!)} | ${fmt(best)} | ${fmt(median(later))} | ${ratio.padStart(8)} | ${agree.padEnd(13)} |`);
}

/** Mean ms to compile each of `sources` (the ones the engine accepts), over `rounds` rounds. */
function compileTime(sources: readonly string[], rounds: number): { ms: number; count: number; bytes: number } {
  const accepted = sources.filter((s) => {
    try {
      compileLua(s);
      return true;
    } catch {
      return false;
    }
  });
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const s of accepted) compileLua(s);
  const ms = (performance.now() - t0) / rounds / accepted.length;
  return { ms, count: accepted.length, bytes: accepted.reduce((n, s) => n + s.length, 0) / accepted.length };
}

console.log(`\ncompile time per script (luaparse + emit + new Function), wall ms\n`);
console.log(`| scripts                              | count | mean bytes | ms per script |`);
console.log(`|--------------------------------------|-------|------------|---------------|`);
for (const [name, sources] of [
  ["the sweep kernel (walk + backtest)", [`${WALK_LUA}${PLAIN_LUA}\nreturn walk, backtest`]],
  ["compiled differential cases", COMPILED_CASES.map((c) => c.source)],
  ["shared corpus (those accepted)", CORPUS.map((c) => c.source)],
] as const) {
  const t = compileTime(sources, 20);
  console.log(`| ${name.padEnd(36)} | ${String(t.count).padStart(5)} | ${t.bytes.toFixed(0).padStart(10)} | ${t.ms.toFixed(3).padStart(13)} |`);
}
for (const note of notes) console.log(`\n${note}`);
console.log(`\nload average (1, 5, 15 min) before: ${loadBefore}; after: ${load()}`);
