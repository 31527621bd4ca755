import type { EngineName } from "@shoal/protocol";

/**
 * How fast each engine runs plain Lua, as `npm run bench lua` measured it: a 3-point
 * SMA-crossover sweep over 1M bars, warmed CPU time as a multiple of native lua5.4's in the
 * same run, with the instruction budget at its default (fengari's count hook; wasmoon's
 * countdown checks inserted in the source, see insertBackEdgeChecks);
 * `budgetOffTimesNative` is wasmoon with `budget: off`, which drops the checks and leaves loops
 * to the task deadline; compiled's are `bench/lua/compiled.ts` (the same sweep, kernel time, back-edge
 * counters on and off). The one source of these figures: `shoal run --help`,
 * the dashboard's engine picker and the README quote them, and a test holds the README and
 * docs/lua-api.md to them. Measure again and change them here when an engine changes.
 */
export const ENGINE_SPEED: Readonly<Record<EngineName, { timesNative: number; budgetOffTimesNative: number }>> = {
  fengari: { timesNative: 45, budgetOffTimesNative: 45 },
  wasmoon: { timesNative: 1.7, budgetOffTimesNative: 1.6 },
  compiled: { timesNative: 0.7, budgetOffTimesNative: 0.7 },
};

/** "about 1.7× native Lua 5.4's time on plain-Lua loops", for help text and hints. */
export function engineSpeedText(engine: EngineName): string {
  return `about ${ENGINE_SPEED[engine].timesNative}× native Lua 5.4's time on plain-Lua loops`;
}
