import { describe, expect, it } from "vitest";
import { fengariEngine } from "../../fengari/FengariEngine.ts";
import { findNativeLua } from "../../testing/nativeLua.ts";
import { loadWasmoonEngine } from "../../wasmoon/WasmoonEngine.ts";
import { runNative } from "../runNative.ts";
import { diffGenerated } from "./diffGenerated.ts";
import { generateProgram } from "./generateProgram.ts";
import { renderProgram } from "./LuaProgram.ts";
import { shrinkProgram } from "./shrinkProgram.ts";

const lua = findNativeLua();
const wasmoon = await loadWasmoonEngine();
/** Seeds of the programs every `npm test` compares; bench/differential runs thousands more. */
const SEEDS = Array.from({ length: 300 }, (_, i) => i + 1);

describe("generated programs", () => {
  it("are the same for the same seed, and mostly run without an error on native Lua", () => {
    const sources = SEEDS.map((seed) => renderProgram(generateProgram(seed)));
    expect(SEEDS.map((seed) => renderProgram(generateProgram(seed)))).toEqual(sources);
    expect(new Set(sources).size).toBe(sources.length);
    const outcomes = runNative(lua, sources);
    expect(outcomes.filter((o) => o.startsWith("load error")), "the generator writes valid Lua").toEqual([]);
    expect(outcomes.filter((o) => o.startsWith("error")).length).toBeLessThan(sources.length / 4);
  });

  it.each([["fengari"], ["wasmoon"]] as const)("give native Lua's answers on %s", (name) => {
    const engine = name === "fengari" ? fengariEngine : wasmoon;
    const run = diffGenerated(lua, [engine], SEEDS, "portable", 3);
    const shown = run.differences.map((d) => `seed ${d.seed}, shrunk:\n${d.shrunk}\n  native:  ${d.native}\n  ${name}: ${d.got}`);
    expect(run.verdicts[name]!.different, shown.join("\n\n")).toBe(0);
  });
});

describe("shrinkProgram", () => {
  it("shrinks to the smallest program that still shows the failure", () => {
    const program = generateProgram(42);
    const marker = (source: string) => /\d/.test(source);
    const shrunk = renderProgram(shrinkProgram(program, (sources) => sources.map(marker)));
    expect(marker(shrunk)).toBe(true);
    expect(shrunk.length).toBeLessThan(renderProgram(program).length);
    expect(shrunk.split("; ").length).toBeLessThanOrEqual(2);
  });
});
