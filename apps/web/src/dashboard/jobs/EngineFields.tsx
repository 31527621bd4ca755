import type { EngineName } from "@shoal/protocol";
import { DEFAULTS } from "@shoal/protocol";
import { ENGINE_SPEED, engineSpeedText } from "@shoal/lua/engineSpeed";
import { useApi } from "../api/useApi.ts";
import { budgetText, parseBudget } from "./parseJobForm.ts";

const HINTS: Record<EngineName, string> = {
  fengari: `The default: Lua 5.3 in plain JavaScript, runs on every donor; ${engineSpeedText("fengari")}.`,
  wasmoon: `Lua 5.4 in WebAssembly, ${engineSpeedText("wasmoon")}; only donors that loaded it take its tasks.`,
  compiled: `Lua 5.4 compiled to JavaScript, ${engineSpeedText("compiled")}; string patterns, coroutines, load, utf8 and quant are refused at submit; only donors that run it take its tasks.`,
};

/** The Lua engine with a one-line hint (and, for wasmoon, how many donors run it), and the instruction budget with its error inline. */
export function EngineFields({ engine, budget, onEngine, onBudget }: { engine: EngineName; budget: string; onEngine(engine: EngineName): void; onBudget(text: string): void }) {
  const peers = useApi((client) => client.listPeers(), [engine]);
  const parsed = parseBudget(budget);
  const running = peers.data?.filter((peer) => peer.engines.includes(engine)).length;
  return (
    <>
      <div className="two">
        <label className="field">
          <span>Engine</span>
          <select value={engine} onChange={(e) => onEngine(e.target.value as EngineName)} data-testid="engine">
            <option value="fengari">fengari</option>
            <option value="wasmoon">wasmoon</option>
            <option value="compiled">compiled</option>
          </select>
        </label>
        <label className="field">
          <span>Budget</span>
          <input
            value={budget}
            onChange={(e) => onBudget(e.target.value)}
            placeholder={budgetText(DEFAULTS.budget)}
            spellCheck={false}
            aria-invalid={!parsed.ok}
            aria-describedby="budget-hint"
            data-testid="budget"
          />
        </label>
      </div>
      <p className="hint muted small" data-testid="engine-hint">
        {HINTS[engine]}
        {engine !== "fengari" && running !== undefined && ` ${running} of ${peers.data?.length} connected donors do now.`}
      </p>
      <p id="budget-hint" className={`hint small ${parsed.ok ? "muted" : "error"}`} role={parsed.ok ? undefined : "alert"} data-testid="budget-hint">
        {!parsed.ok
          ? parsed.error
          : parsed.budget !== "off"
            ? `Instructions per map or reduce call (default ${budgetText(DEFAULTS.budget)}, 1–2 minutes of work), or off.`
            : engine === "wasmoon"
              ? `Off: no countdown checks, so wasmoon runs at about ${ENGINE_SPEED.wasmoon.budgetOffTimesNative}× native Lua's time; only the task deadline stops a runaway loop.`
              : engine === "compiled"
                ? `Off: no back-edge counters, so the compiled engine runs at about ${ENGINE_SPEED.compiled.budgetOffTimesNative}× native Lua's time; only the task deadline stops a runaway loop.`
                : "Off: no limit, but fengari runs no faster for it; only the task deadline stops a runaway loop."}
      </p>
    </>
  );
}
