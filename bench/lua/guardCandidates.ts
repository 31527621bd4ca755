// The guard candidates of bench/lua: what each way of stopping runaway code costs on the plain-Lua
// sweep, on both engines, as a multiple of native lua5.4 timed in the same round. Rounds alternate
// native and every candidate, so a slow spell on the shared machine hits neighbours alike.
import { child, median, nativeLua } from "./runners.ts";
import type { SweepConfig } from "./sweep.ts";

interface Candidate {
  guard: string;
  /** How a runaway loop ends under it. */
  ends: string;
  config: Pick<SweepConfig, "source" | "budget" | "hookStep" | "guard">;
}

const BUDGET = 1e12;
const BUDGET_TRIP = "budget error at its job line, every replica alike";
const DEADLINE = "the task deadline (thread killed): a deadline failure, no line";

const CANDIDATES: Candidate[] = [
  { guard: "count hook every 1,000 instructions (before)", ends: BUDGET_TRIP, config: { source: "plain", budget: BUDGET, guard: "hook" } },
  { guard: "count hook every 1,000,000 instructions", ends: BUDGET_TRIP, config: { source: "plain", budget: BUDGET, hookStep: 1e6, guard: "hook" } },
  { guard: "back-edge countdown written by hand (kernels.ts), no hook", ends: BUDGET_TRIP, config: { source: "backedge", budget: null } },
  { guard: "**shipped**: countdown checks inserted by insertBackEdgeChecks, no hook", ends: BUDGET_TRIP, config: { source: "plain", budget: BUDGET } },
  { guard: "deadline alone (no count hook)", ends: DEADLINE, config: { source: "plain", budget: null } },
];

/**
 * fengari's count hook is also its memory guard (it checks `..` and measures the heap before
 * instructions), so it always runs: the back-edge row keeps it, and "deadline alone" would be
 * the first row again; the shipped row is wasmoon's only (fengari keeps its hook).
 */
const FENGARI: Candidate[] = CANDIDATES.filter((c) => c.ends !== DEADLINE && !c.guard.startsWith("**shipped**")).map((c) =>
  c.config.budget === null
    ? { ...c, guard: "back-edge countdown in the source, hook kept (fengari's memory guard)", config: { ...c.config, budget: BUDGET } }
    : c,
);

/** Runs `rounds` rounds of native and every candidate on `engine` over `bars` bars; returns the table's rows. */
function measure(engine: "wasmoon" | "fengari", candidates: Candidate[], bars: number, rounds: number, repeats: number): string[] {
  const ratios: number[][] = candidates.map(() => []);
  const bests: number[][] = candidates.map(() => []);
  const natives: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const native = nativeLua(bars, repeats);
    if (typeof native === "string") return [`| ${engine} | (${native}) | | | | |`];
    natives.push(native.best);
    candidates.forEach((c, i) => {
      const row = child("", "", { runner: engine, warmUp: true, bars, repeats, ...c.config });
      if (row.results !== native.results) throw new Error(`${engine}, ${c.guard}: results ${row.results} differ from native ${native.results}`);
      bests[i]!.push(row.best);
      ratios[i]!.push(row.best / native.best);
    });
  }
  return candidates.map(
    (c, i) =>
      `| ${engine} | ${c.guard} | ${c.ends} | ${median(bests[i]!).toFixed(1)} | ${median(natives).toFixed(1)} | **${median(ratios[i]!).toFixed(2)}** | ${ratios[i]!.map((r) => r.toFixed(2)).join(", ")} |`,
  );
}

/** The candidate table, wasmoon over `bars` bars and fengari (about 40× slower) over a tenth of them. */
export function guardCandidates(bars: number, rounds: number): string[] {
  return [
    `\nGuard candidates: plain-Lua sweep (3 points), warmed, CPU ms, best of sweeps 2..4 per process; ${rounds} rounds alternating native and each candidate`,
    `(wasmoon over ${bars} bars, fengari over ${Math.round(bars / 10)}); every row's results equal native's`,
    "",
    "| engine | guard | a runaway loop ends by | candidate ms (median of rounds) | native ms | × native (median of per-round ratios) | per-round ratios |",
    "| --- | --- | --- | ---: | ---: | ---: | --- |",
    ...measure("wasmoon", CANDIDATES, bars, rounds, 4),
    ...measure("fengari", FENGARI, Math.round(bars / 10), Math.max(1, rounds - 1), 3),
  ];
}
