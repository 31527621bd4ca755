// bench/differential: thousands of generated Lua programs on fengari and wasmoon, each compared
// with native lua5.4 (see packages/lua/src/differential). "portable" programs use what both
// engines must get right (fengari may refuse with an error naming --engine wasmoon: "accepted");
// "full" adds what fengari is known to get wrong still (string.format's float conversions and
// flags, transcendental math). Every difference is shrunk to a small program, listed below the
// table: add new ones to the corpus (packages/lua/src/differential/corpus). Seeds change daily
// unless DIFF_SEED is set; DIFF_PROGRAMS sets the number of portable programs (full: a third).
import { fengariEngine } from "../../packages/lua/src/fengari/FengariEngine.ts";
import { diffGenerated } from "../../packages/lua/src/differential/generator/diffGenerated.ts";
import type { GeneratedDifference } from "../../packages/lua/src/differential/generator/diffGenerated.ts";
import type { Profile } from "../../packages/lua/src/differential/generator/generateProgram.ts";
import { findNativeLua } from "../../packages/lua/src/testing/nativeLua.ts";
import { loadWasmoonEngine } from "../../packages/lua/src/wasmoon/WasmoonEngine.ts";

const PROGRAMS = Number(process.env.DIFF_PROGRAMS ?? 3000);
const FIRST_SEED = Number(process.env.DIFF_SEED ?? Math.floor(Date.now() / 86_400_000) * 100_000);
const SHRINKS = 12;

const lua = findNativeLua();
const engines = [fengariEngine, await loadWasmoonEngine()];
const found: GeneratedDifference[] = [];

console.log(`seeds from ${FIRST_SEED} (DIFF_SEED=${FIRST_SEED} repeats this run)\n`);
console.log("| profile | engine | programs | same | accepted | different | ms |");
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
for (const [profile, count] of [["portable", PROGRAMS], ["full", Math.ceil(PROGRAMS / 3)]] as [Profile, number][]) {
  const seeds = Array.from({ length: count }, (_, i) => FIRST_SEED + i);
  for (const engine of engines) {
    const start = performance.now();
    const run = diffGenerated(lua, [engine], seeds, profile, SHRINKS);
    const ms = performance.now() - start;
    const v = run.verdicts[engine.name]!;
    console.log(`| ${profile} | ${engine.name} | ${run.programs} | ${v.same} | ${v.accepted} | ${v.different} | ${ms.toFixed(0)} |`);
    found.push(...run.differences);
  }
}

const distinct = new Map<string, GeneratedDifference>();
for (const d of found) distinct.set(`${d.engine}\n${d.shrunk}`, d);
console.log(`\n${distinct.size} distinct shrunk differences (at most ${SHRINKS} shrunk per engine and profile):`);
for (const d of distinct.values()) console.log(`\n${d.engine}, seed ${d.seed}:\n  ${d.shrunk}\n  native:  ${d.native}\n  ${d.engine}: ${d.got}`);
