import type { LuaEngine } from "../../LuaEngine.ts";
import { compareOutcome } from "../compareOutcome.ts";
import type { Verdict } from "../compareOutcome.ts";
import { runNative } from "../runNative.ts";
import { runOnEngine } from "../runOnEngine.ts";
import { generateProgram } from "./generateProgram.ts";
import type { Profile } from "./generateProgram.ts";
import { renderProgram } from "./LuaProgram.ts";
import { shrinkProgram } from "./shrinkProgram.ts";

/** A generated program on which an engine's outcome differs from native Lua's, with its shrunk form. */
export interface GeneratedDifference {
  engine: string;
  seed: number;
  source: string;
  /** The smallest program found that still differs, and both outcomes of it. */
  shrunk: string;
  native: string;
  got: string;
}

/** What comparing one batch of generated programs found. */
export interface GeneratedRun {
  programs: number;
  /** Engine name → how many programs got each verdict. */
  verdicts: Record<string, Record<Verdict, number>>;
  differences: GeneratedDifference[];
}

/**
 * Generates a program per seed, runs them all on native Lua (`lua`) and on each engine, and
 * shrinks every program whose outcome differs on an engine (at most `maxShrinks` per engine,
 * as shrinking runs both sides once per round).
 */
export function diffGenerated(lua: string, engines: readonly LuaEngine[], seeds: readonly number[], profile: Profile, maxShrinks = 10): GeneratedRun {
  const programs = seeds.map((seed) => generateProgram(seed, profile));
  const sources = programs.map(renderProgram);
  const native = runNative(lua, sources);
  const run: GeneratedRun = { programs: programs.length, verdicts: {}, differences: [] };
  for (const engine of engines) {
    const counts: Record<Verdict, number> = { same: 0, accepted: 0, different: 0 };
    const got = runOnEngine(engine, sources);
    sources.forEach((source, i) => {
      const verdict = compareOutcome(engine.name, native[i]!, got[i]!);
      counts[verdict]++;
      if (verdict !== "different" || counts.different > maxShrinks) return;
      const stillFails = (candidates: readonly string[]) => {
        const n = runNative(lua, candidates);
        const e = runOnEngine(engine, candidates);
        return candidates.map((_, j) => compareOutcome(engine.name, n[j]!, e[j]!) === "different");
      };
      const shrunk = renderProgram(shrinkProgram(programs[i]!, stillFails));
      const [n, e] = [runNative(lua, [shrunk])[0]!, runOnEngine(engine, [shrunk])[0]!];
      run.differences.push({ engine: engine.name, seed: seeds[i]!, source, shrunk, native: n, got: e });
    });
    run.verdicts[engine.name] = counts;
  }
  return run;
}
