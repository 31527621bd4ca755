/**
 * How an engine's outcome for a case stands against native Lua 5.4's:
 * - `same`: the very same line, but for the sign of a NaN printed in a string;
 * - `accepted`: a documented limit — fengari refused the case with an error that names
 *   `--engine wasmoon` (32-bit integers, Lua 5.4-only syntax, ...), where native Lua gave a
 *   value or failed later for another reason. The job fails loudly instead of answering
 *   differently, so a quorum is safe;
 * - `different`: anything else, a wrong answer or a wrong error, which no quorum can catch.
 */
export type Verdict = "same" | "accepted" | "different";

/** The text fengari's limit errors carry, pointing the author to the engine that has no such limit. */
const WASMOON_HINT = "--engine wasmoon";

const FAILED = /^(error: |load error: |uncaught )/;

/** The sign C's printf shows for a NaN depends on the machine (x86 prints 0/0 as "-nan"), and WebAssembly leaves it unspecified. */
const NAN = /-nan\b/g;

/** Compares one case's outcome lines (see driver.ts) from native Lua and from `engineName`. */
export function compareOutcome(engineName: string, native: string, engine: string): Verdict {
  if (engine.replace(NAN, "nan") === native.replace(NAN, "nan")) return "same";
  if (engineName === "fengari" && FAILED.test(engine) && engine.includes(WASMOON_HINT)) return "accepted";
  return "different";
}
