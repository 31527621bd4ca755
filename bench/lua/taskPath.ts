// bench/lua/taskPath.ts: where a grid-row task's CPU goes on the compiled engine, in-process.
// One executor (an ExecutorCache, as a volunteer's thread holds) runs the grid row's jobs of 12
// one-point tasks over the same shard the grid sends (the walk as time + close); then each phase
// of a task is timed alone: the shard's decoding, compiling, a call's fresh globals, the series
// conversion, the kernel, the result conversion.
// `node --import tsx bench/lua/taskPath.ts`; BENCH_BARS shortens it. CPU ms (process.cpuUsage).
import { loadavg } from "node:os";
import { parseJobSpec } from "@shoal/protocol";
import type { MapTaskSpec } from "@shoal/protocol";
import { decodeShard, encodeShard, sliceSeries } from "@shoal/timeseries";
import { CallLog } from "../../packages/lua/src/CallLog.ts";
import { columnCache, floatArray } from "../../packages/lua/src/compiled/ColumnCache.ts";
import { chunkCache } from "../../packages/lua/src/compiled/ChunkCache.ts";
import { compiledEngine } from "../../packages/lua/src/compiled/CompiledEngine.ts";
import { compileLua } from "../../packages/lua/src/compiled/compileLua.ts";
import { luaToJson } from "../../packages/lua/src/compiled/convert.ts";
import { LuaTable } from "../../packages/lua/src/compiled/LuaTable.ts";
import type { LuaFunction } from "../../packages/lua/src/compiled/values.ts";
import { Xoshiro128 } from "../../packages/lua/src/random/Xoshiro128.ts";
import { ExecutorCache } from "../../packages/worker/src/executor/ExecutorCache.ts";
import { SCRIPT, TASKS } from "./gridJob.ts";
import { PLAIN_LUA, POINTS, walk } from "./kernels.ts";
import { median, nativeLua } from "./runners.ts";

const BARS = Number(process.env.BENCH_BARS ?? 1_000_000);
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
const loadBefore = load();

const cpu = (f: () => unknown): number => {
  const t0 = process.cpuUsage();
  f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
};

const close = walk(BARS);
const time = Float64Array.from({ length: BARS }, (_, k) => 1_000_000_000 + k * 60);
const shard = { hash: "walk", bytes: encodeShard({ key: "walk", time, columns: { close } }) };
const spec = parseJobSpec({ script: SCRIPT, engine: "compiled", params: { i: Array.from({ length: TASKS }, (_, k) => k + 1) }, batchSize: 1 });
const slice = { key: "walk", haloStart: 0, start: 0, end: BARS };

// 1. The whole task path, as an executor thread runs it: three jobs of the script in a row (the
// shard's bytes sent with a job's first task, then held), as the grid row submits them.
const cache = new ExecutorCache();
const jobMs: number[] = [];
for (let round = 0; round < 3; round++) {
  const t0 = process.cpuUsage();
  for (let i = 1; i <= TASKS; i++) {
    const task: MapTaskSpec = { kind: "map", slice, points: [{ index: i - 1, p: { i } }] };
    await cache.run(`job-${round}`, spec, task, cache.holds(shard.hash) ? { hash: shard.hash } : shard);
  }
  const t = process.cpuUsage(t0);
  jobMs.push((t.user + t.system) / 1000 / TASKS);
  cache.forget(`job-${round}`);
}
cache.dispose();

// 2. The phases alone: each a few times, the median.
const series = decodeShard(shard.bytes);
const input = sliceSeries(series, slice);
const job = compiledEngine.load({ source: SCRIPT });
const chunk = compileLua(`${PLAIN_LUA}\nreturn backtest`);
const backtest = chunk.run({ budget: 1e15 })[0] as LuaFunction;
const column = input.columns.close!;
const table = new LuaTable();
table.arr = floatArray(column);
const result = (() => {
  const t = new LuaTable();
  t.set("sharpe", 0.123456789);
  t.set("trades", 12345);
  return t;
})();
const phases: Array<[string, () => unknown]> = [
  ["decode the shard (once per job and thread)", () => decodeShard(shard.bytes)],
  ["compile the script (uncached)", () => compileLua(SCRIPT)],
  ["compile the script (chunkCache, a hit)", () => chunkCache.compile(SCRIPT, { chunkName: "job.lua", budget: true })],
  ["fresh globals and the top level (per call)", () => chunk.start(1e9, { log: new CallLog(1024), random: new Xoshiro128(1) }).main()],
  ["the close column as Lua floats, converted", () => floatArray(column)],
  ["the close column from columnCache (a hit: bits compared)", () => columnCache.convert(column)],
  ["the kernel alone (one point)", () => backtest(table, POINTS[1]!.fast, POINTS[1]!.slow)],
  ["the result as JSON", () => luaToJson(result, 1 << 20)],
  ["a whole map call (CompiledJob.map)", () => job.map(input, { i: 2 }, 1)],
];
const times = phases.map(() => [] as number[]);
for (let r = 0; r < 7; r++) phases.forEach(([, f], k) => times[k]!.push(cpu(f)));

const native = nativeLua(BARS, 4);
const nativePerPoint = typeof native === "string" ? NaN : native.best / POINTS.length;
const fmt = (x: number) => x.toFixed(1).padStart(8);
console.log(`compiled engine, grid-row task path in-process: ${TASKS} one-point tasks over ${BARS} bars, CPU ms\n`);
console.log(`| what                                                  |   median |  × native point |`);
console.log(`|-------------------------------------------------------|----------|-----------------|`);
jobMs.forEach((ms, k) => console.log(`| ${`job ${k + 1} through an ExecutorCache, CPU ÷ ${TASKS} tasks`.padEnd(53)} | ${fmt(ms)} | ${(ms / nativePerPoint).toFixed(2).padStart(15)} |`));
phases.forEach(([name], k) => {
  const ms = times[k]!;
  console.log(`| ${name.padEnd(53)} | ${fmt(median(ms))} | ${(median(ms) / nativePerPoint).toFixed(2).padStart(15)} |`);
});
console.log(`| native lua5.4, one point (best of 4 sweeps ÷ 3)        | ${fmt(nativePerPoint)} |            1.00 |`);
console.log(`\nload average (1, 5, 15 min) before: ${loadBefore}; after: ${load()}`);
