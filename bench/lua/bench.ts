// bench/lua: one SMA-crossover sweep (3 points) on a random walk under native lua5.4, fengari
// and wasmoon (plain Lua and on the `ts` builtins, through packages/lua as jobs run, with the
// instruction budget on, enforced by countdown checks in the source, and off), and plain JavaScript. Every
// runner has its own process: "cold" is its first sweep (wasmoon without prepareEngine's
// warm-up), "warmed" the best and the median of the later ones (the best is what the code
// costs; the median shows how much a busy machine adds); CPU time, and the peak RSS.
// Native Lua times only the kernel over a table it already holds, while a job's map call also
// opens a fresh state and takes its series in: "kernel ×" subtracts that per-call overhead,
// measured with a map that only touches its data, to compare like with like. Then the guard
// candidates (bench/lua/guardCandidates.ts): what each way of stopping runaway code costs; and
// the grid rows: the sweep through a coordinator and two volunteers, `shoal worker`s
// (bench/lua/gridRow.ts) and donor pages in Chromium (bench/lua/browserGridRow.ts).
// BENCH_BARS, BENCH_REPEATS, BENCH_ROUNDS, BENCH_GUARD_ROUNDS, BENCH_GRID_RUNS,
// BENCH_GRID_PORT (default 0: any free port) and BENCH_GRID_JOB_TIMEOUT_MS shorten or steer it;
// BENCH_ONLY=ts runs only the plain Lua and `ts` builtins rows of each engine (budget on), to
// compare the two (the `ts` rows' sharpes may differ from the loop's in their last digits:
// "results agree" says by how much); BENCH_ONLY=grid the two grid rows alone, BENCH_ONLY=chromium the Chromium row alone.
import { loadavg } from "node:os";
import { agreement, child as runChild, median, nativeLua as runNative } from "./runners.ts";
import type { Row } from "./runners.ts";
import type { SweepConfig } from "./sweep.ts";
import { POINTS } from "./kernels.ts";
import { guardCandidates } from "./guardCandidates.ts";
import { gridRow } from "./gridRow.ts";
import { browserGridRow } from "./browserGridRow.ts";

const BARS = Number(process.env.BENCH_BARS ?? 1_000_000);
const REPEATS = Math.max(3, Number(process.env.BENCH_REPEATS ?? 5));
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));

const nativeLua = () => runNative(BARS, REPEATS);
const child = (name: string, hook: string, config: Omit<SweepConfig, "bars">) => runChild(name, hook, { ...config, bars: BARS });

const HOOK = 1e12;
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
const loadBefore = load();
const GRID_RUNS = Math.max(1, Number(process.env.BENCH_GRID_RUNS ?? 2));
const GRID_PORT = Number(process.env.BENCH_GRID_PORT ?? 0);
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== "ts" && ONLY !== "grid" && ONLY !== "chromium") throw new Error(`BENCH_ONLY=${ONLY}: expected ts, grid or chromium`);
if (ONLY === "ts") {
  tsRows();
  process.exit(0);
}

if (ONLY !== undefined) {
  const lines = [...(ONLY === "grid" ? await gridRow(BARS, GRID_RUNS, GRID_PORT) : []), ...(await browserGridRow(BARS, GRID_RUNS, GRID_PORT))];
  console.log(`SMA-crossover sweep, ${POINTS.length} points × ${BARS} bars, ${ONLY === "grid" ? "the grid rows" : "the Chromium grid row"} only`);
  console.log(`load average (1, 5, 15 min): ${loadBefore} before, ${load()} after`);
  for (const line of lines) console.log(line);
  process.exit(0);
}

const rows: Row[] = [];
const notes: string[] = [];
const native = nativeLua();
if (typeof native === "string") notes.push(native);
else rows.push(native);
rows.push(child("fengari, plain Lua", "count hook (always)", { runner: "fengari", source: "plain", budget: HOOK, warmUp: false, repeats: 3 }));
rows.push(child("fengari, ts builtins", "count hook (always)", { runner: "fengari", source: "ts", budget: HOOK, warmUp: false, repeats: 3 }));
const touch = child("wasmoon, data in only", "off", { runner: "wasmoon", source: "touch", budget: null, warmUp: false, repeats: REPEATS });
for (const [source, label] of [["plain", "plain Lua"], ["ts", "ts builtins"]] as const) {
  for (const [budget, hook] of [[HOOK, "countdown checks"], [null, 'none (budget "off")']] as const) {
    const row = child(`wasmoon, ${label}`, hook, { runner: "wasmoon", source, budget, warmUp: false, repeats: REPEATS });
    rows.push(source === "plain" ? { ...row, overhead: touch.best } : row);
  }
}
for (const [budget, hook] of [[HOOK, "back-edge counters"], [null, 'none (budget "off")']] as const) {
  rows.push(child("compiled, plain Lua", hook, { runner: "compiled", source: "plain", budget, warmUp: false, repeats: REPEATS }));
}
rows.push(child("compiled, ts builtins", "back-edge counters", { runner: "compiled", source: "ts", budget: HOOK, warmUp: false, repeats: REPEATS }));
rows.push(touch);
// Its series is built inside Lua, so nothing is taken in: its whole time is kernel.
rows.push({ ...child("wasmoon's own API, none of Shoal's code", "off", { runner: "wasmoon-raw", source: "plain", budget: null, warmUp: true, repeats: REPEATS }), overhead: 0 });
const warmed = child("wasmoon, plain Lua, after prepareEngine's warm-up", "countdown checks", { runner: "wasmoon", source: "plain", budget: HOOK, warmUp: true, repeats: 2 });
rows.push({ ...warmed, best: warmed.cold ?? warmed.best, warmed: warmed.cold ?? warmed.warmed, cold: null });
rows.push(child("plain JavaScript", "none", { runner: "js", source: "plain", budget: null, warmUp: false, repeats: REPEATS }));

/**
 * Native against warmed wasmoon, alternated round by round: on a shared VM a slow spell hits
 * whichever runner is running, so each runner's best over the rounds, and each round's ratio of
 * neighbours, say more than one pass per runner.
 */
function headToHead(): string[] {
  if (typeof native === "string") return [];
  const rounds: Array<{ native: number; off: number; on: number; raw: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const n = nativeLua();
    if (typeof n === "string") return [];
    const off = child("", "", { runner: "wasmoon", source: "plain", budget: null, warmUp: true, repeats: 4 });
    const on = child("", "", { runner: "wasmoon", source: "plain", budget: HOOK, warmUp: true, repeats: 4 });
    const raw = child("", "", { runner: "wasmoon-raw", source: "plain", budget: null, warmUp: true, repeats: 4 });
    rounds.push({ native: n.best, off: off.best, on: on.best, raw: raw.best });
  }
  const best = (key: "native" | "off" | "on" | "raw") => Math.min(...rounds.map((r) => r[key]));
  const ratios = (key: "off" | "on" | "raw") => rounds.map((r) => r[key] / r.native);
  const line = (label: string, key: "off" | "on" | "raw") =>
    `| ${label} | ${best(key).toFixed(1)} | ${(best(key) / best("native")).toFixed(2)} | ${median(ratios(key)).toFixed(2)} | ${ratios(key).map((r) => r.toFixed(2)).join(", ")} |`;
  return [
    `\nHead to head, ${ROUNDS} rounds alternating native and warmed wasmoon (each a fresh process, best of sweeps 2..4), CPU ms`,
    "",
    "| runner | best over rounds | × native best | median of per-round ratios | per-round ratios |",
    "| --- | ---: | ---: | ---: | --- |",
    `| ${native.name} | ${best("native").toFixed(1)} | 1.00 | | |`,
    line('wasmoon, plain Lua, budget "off" (no guard)', "off"),
    line("wasmoon, plain Lua, budget on (countdown checks, the default)", "on"),
    line("wasmoon's own API, none of Shoal's code", "raw"),
  ];
}
const duel = headToHead();
const guards = guardCandidates(BARS, Math.max(1, Number(process.env.BENCH_GUARD_ROUNDS ?? 3)));
const grid = [...(await gridRow(BARS, GRID_RUNS, GRID_PORT)), ...(await browserGridRow(BARS, GRID_RUNS, GRID_PORT))];

const base = typeof native === "string" ? rows[rows.length - 1]! : native;
const ms = (x: number | null) => (x === null ? "" : x.toFixed(1));
console.log(`SMA-crossover sweep, ${POINTS.length} points × ${BARS} bars; CPU ms; warmed = sweeps 2..${REPEATS} (fengari: 2..3)`);
console.log(`load average (1, 5, 15 min): ${loadBefore} before, ${load()} after\n`);
console.log(`| runner | budget guard | cold ms | warmed ms, best | warmed ms, median | best × ${base.name} | kernel × | peak RSS MB | results agree |`);
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
for (const row of rows) {
  const agree = row === touch ? "(no results)" : agreement(row, base);
  const rss = row.rssMb === null ? "" : row.rssMb.toFixed(0);
  const ratio = (row.best / base.best).toFixed(2);
  const kernel = row.overhead === undefined ? "" : ((row.best - row.overhead) / base.best).toFixed(2);
  console.log(`| ${row.name} | ${row.hook} | ${ms(row.cold)} | ${ms(row.best)} | ${ms(row.warmed)} | ${ratio} | ${kernel} | ${rss} | ${agree} |`);
}
for (const line of duel) console.log(line);
for (const line of guards) console.log(line);
for (const line of grid) console.log(line);
for (const note of notes) console.log(`\n${note}`);
console.log(`\nreference results (sharpe/trades): ${base.results}`);
console.log(`"after prepareEngine's warm-up" shows its first sweep: what an executor thread's first task gets.`);
console.log(`"kernel ×": (best − the best of "data in only") / native best; native times the kernel alone.`);

/** BENCH_ONLY=ts: plain Lua against the `ts` builtins on each engine, budget on, nothing else. */
function tsRows(): void {
  const hooks = { fengari: "count hook (always)", wasmoon: "countdown checks", compiled: "back-edge counters" };
  const pairs = (["fengari", "wasmoon", "compiled"] as const).map((runner) => {
    const hook = hooks[runner];
    const repeats = runner === "fengari" ? 3 : REPEATS;
    return (["plain", "ts"] as const).map((source) =>
      child(`${runner}, ${source === "plain" ? "plain Lua" : "ts builtins"}`, hook, { runner, source, budget: HOOK, warmUp: false, repeats }),
    );
  });
  console.log(`plain Lua against ts builtins, ${POINTS.length} points × ${BARS} bars; CPU ms; warmed = sweeps 2..`);
  console.log(`load average (1, 5, 15 min): ${loadBefore} before, ${load()} after\n`);
  console.log("| runner | budget guard | cold ms | warmed ms, best | warmed ms, median | ts best ÷ plain best | results agree |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | --- |");
  for (const [plain, ts] of pairs as Array<[Row, Row]>) {
    for (const row of [plain, ts]) {
      const ratio = row === ts ? (ts.best / plain.best).toFixed(2) : "";
      const agree = row === plain ? "(reference)" : agreement(row, plain);
      console.log(`| ${row.name} | ${row.hook} | ${row.cold?.toFixed(1) ?? ""} | ${row.best.toFixed(1)} | ${row.warmed.toFixed(1)} | ${ratio} | ${agree} |`);
    }
  }
}
