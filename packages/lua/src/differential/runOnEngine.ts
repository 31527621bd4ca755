import { compiledOutcome } from "../compiled/outcomeLine.ts";
import type { LuaEngine, SeriesInput } from "../LuaEngine.ts";
import { LuaError } from "../LuaEngine.ts";
import { engineJob } from "./driver.ts";

const NO_SERIES: SeriesInput = { key: "differential", time: new Float64Array(0), columns: {}, first: 1 };

/** Instructions one case may use: ample for the corpus, small enough that a runaway case stops within a second. */
export const CASE_BUDGET = 5e6;

/**
 * Runs case sources on `engine` and returns each one's outcome line (see driver.ts), in
 * order: one job holds up to 250 of them (fengari needs ~40 ms to set up a job) and each
 * runs in its own map call, under its own budget. A case that fails past pcall (budget,
 * memory, an error inside the engine) comes back as `uncaught KIND: MESSAGE`, which native
 * Lua never prints.
 */
export function runOnEngine(engine: LuaEngine, caseSources: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < caseSources.length; i += CASES_PER_JOB) out.push(...runJob(engine, caseSources.slice(i, i + CASES_PER_JOB)));
  return out;
}

/** Cases one job holds: the job's top level, run before every call, builds the table of all their sources. */
const CASES_PER_JOB = 250;

function runJob(engine: LuaEngine, caseSources: readonly string[]): string[] {
  const job = engine.load({ source: engineJob(caseSources), budget: CASE_BUDGET });
  try {
    return caseSources.map((_, i) => {
      try {
        const { value } = job.map(NO_SERIES, { case: i + 1 }, 1);
        if (typeof value !== "string") throw new Error(`the differential driver returned ${JSON.stringify(value)}`);
        return value;
      } catch (e) {
        if (e instanceof LuaError) return `uncaught ${e.kind}: ${e.message}`;
        throw e;
      }
    });
  } finally {
    job.dispose();
  }
}

/**
 * Runs case sources on the compiled engine and returns each one's outcome line. That engine
 * has no `load` (it compiles a whole job ahead of time), so the driver cannot run there: each
 * case is compiled as its own chunk named `case`, with fresh globals as the driver's copy
 * gives, and shown as the driver shows results (compiled/outcomeLine.ts).
 */
export function runOnCompiled(caseSources: readonly string[]): string[] {
  return caseSources.map((source) => compiledOutcome(source, CASE_BUDGET));
}
