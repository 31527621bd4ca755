import { describe, expect, it } from "vitest";
import { generateProgram } from "../differential/generator/generateProgram.ts";
import { renderProgram } from "../differential/generator/LuaProgram.ts";
import { runNative } from "../differential/runNative.ts";
import { findNativeLua } from "../testing/nativeLua.ts";
import { compiledOutcome } from "./outcomeLine.ts";

// The differential harness's random programs (the portable profile every engine must pass):
// on the compiled engine each one gives native Lua's answer, or is refused when compiled
// because it uses what the engine does not have yet (string patterns, mostly).

const SEEDS = Array.from({ length: 300 }, (_, i) => i + 1);

describe("generated programs on the compiled engine", () => {
  const sources = SEEDS.map((seed) => renderProgram(generateProgram(seed)));
  const native = runNative(findNativeLua(), sources);
  const outcomes = sources.map((s) => compiledOutcome(s));

  it("give native Lua's answers, or are refused at compile time naming what is missing", () => {
    const wrong = outcomes
      .map((got, i) => ({ got, native: native[i]!, source: sources[i]! }))
      .filter(({ got, native }) => got.replace(/-nan/g, "nan") !== native.replace(/-nan/g, "nan"))
      .filter(({ got }) => !(got.startsWith("load error: ") && got.includes("not supported by the compiled engine")));
    expect(wrong).toEqual([]);
  });

  it("run most of them rather than refusing", () => {
    const ran = outcomes.filter((o) => !o.startsWith("load error: ")).length;
    expect(ran).toBeGreaterThan(SEEDS.length / 3);
  });
});
