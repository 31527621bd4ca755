import type { JobOptions, LuaEngine, LuaJob, SyntaxCheck } from "../LuaEngine.ts";
import { JOB_DEFAULTS } from "../LuaEngine.ts";
import { compile, DEFAULT_GUARD_MODE, WasmoonJob } from "./WasmoonJob.ts";
import type { WasmoonGuardMode } from "./WasmoonJob.ts";
import { WasmoonRuntime } from "./WasmoonRuntime.ts";

export interface WasmoonOptions {
  /** Where to fetch glue.wasm from (a browser must give one); Node reads it from node_modules/wasmoon when omitted. */
  wasmUrl?: string;
  /** Run a few small jobs first so the first real one runs at full speed (default true; about 0.2 s). */
  warmUp?: boolean;
}

/** Calls that bring Lua's interpreter loop to V8's optimising tier (a running wasm function only tiers up on its next call). */
const WARM_UP_CALLS = 12;
const WARM_UP_SOURCE = `
function map(series, p)
  local t, s = {}, 0
  for i = 1, p.n do t[i] = i * 0.5 s = s + t[i] % 7 end
  local words = {}
  for w in ("a b c d e f"):gmatch("%a") do words[#words + 1] = w:upper() end
  return { s = s, mean = ts.mean(series.close), words = table.concat(words, ",") }
end`;

/** Creates the wasmoon engine on a loaded runtime: Lua 5.4 in WebAssembly, 64-bit integers. */
export function createWasmoonEngine(rt: WasmoonRuntime, guard: WasmoonGuardMode = DEFAULT_GUARD_MODE): LuaEngine {
  return {
    name: "wasmoon",
    check(source: string, chunkName: string = JOB_DEFAULTS.chunkName): SyntaxCheck {
      const error = compile(rt, new TextEncoder().encode(source), chunkName);
      return error === null ? { ok: true } : { ok: false, error };
    },
    load(opts: JobOptions): LuaJob {
      return new WasmoonJob(rt, opts, guard);
    },
  };
}

let shared: Promise<LuaEngine> | null = null;

/**
 * The wasmoon engine of this thread (worker thread, Web Worker), loaded and warmed up on
 * the first call; later calls share it and ignore their options. Await it once, then load
 * jobs synchronously.
 */
export function loadWasmoonEngine(options: WasmoonOptions = {}): Promise<LuaEngine> {
  shared ??= WasmoonRuntime.load(options.wasmUrl).then((rt) => {
    const engine = createWasmoonEngine(rt);
    if (options.warmUp !== false) warmUp(engine);
    return engine;
  });
  shared.catch(() => {
    shared = null;
  });
  return shared;
}

/** Runs the warm-up jobs on `engine` (exported for the bench, which warms engines it makes itself). */
export function warmUp(engine: LuaEngine): void {
  const job = engine.load({ source: WARM_UP_SOURCE });
  const close = Float64Array.from({ length: 256 }, (_, i) => 100 + Math.sin(i));
  const series = { key: "warm-up", time: new Float64Array(close.length), columns: { close }, first: 1 };
  for (let i = 0; i < WARM_UP_CALLS; i++) job.map(series, { n: 20000 }, i);
  job.dispose();
}
