import type { Json } from "@shoal/protocol";
import { CallLog } from "../CallLog.ts";
import { ResultError } from "../convert/ResultError.ts";
import type { CallResult, JobOptions, LuaJob, SeriesInput } from "../LuaEngine.ts";
import { LuaError } from "../LuaEngine.ts";
import { Xoshiro128 } from "../random/Xoshiro128.ts";
import type { JobLimits } from "../resolveLimits.ts";
import { resolveLimits } from "../resolveLimits.ts";
import { chunkCache } from "./ChunkCache.ts";
import { runError, type ChunkRun, type CompiledChunk } from "./compileLua.ts";
import { jsonToLua, luaToJson, seriesToLua } from "./convert.ts";
import { BUDGET_MESSAGE } from "./runtime.ts";
import { LuaThrow, type LuaValue } from "./values.ts";

type Kind = "map" | "reduce";

/**
 * A job on the compiled engine: the chunk compiled to JavaScript once per thread and source (see
 * ChunkCache); each call runs its top level in fresh globals, then `map` or `reduce`. The
 * budget counts loop back-edges and calls (plus one per element a builtin reads or writes), not
 * VM instructions, so `instructions` is in those units; an exhausted budget fails as on the
 * other engines, with kind `budget`.
 */
export class CompiledJob implements LuaJob {
  readonly hasReduce: boolean;
  readonly #limits: JobLimits;
  readonly #chunk: CompiledChunk;
  #disposed = false;

  constructor(opts: JobOptions) {
    this.#limits = resolveLimits(opts);
    const { source, chunkName, budget } = this.#limits;
    this.#chunk = chunkCache.compile(source, { chunkName, budget: budget !== Infinity });
    const { run } = this.#topLevel(0);
    if (typeof run.G.get("map") !== "function") throw new LuaError("runtime", `${chunkName} must define a global function map(series, p)`);
    this.hasReduce = typeof run.G.get("reduce") === "function";
  }

  map(series: SeriesInput, p: Readonly<Record<string, Json>>, seed: number): CallResult {
    return this.#call("map", seed, (run) => [seriesToLua(series, (n) => charge(run, n)), jsonToLua(p as Json)]);
  }

  reduce(values: readonly Json[], seed: number): CallResult {
    return this.#call("reduce", seed, () => [jsonToLua(values as Json)]);
  }

  dispose(): void {
    this.#disposed = true;
  }

  /** Sets up a run and runs the chunk's top level in it. */
  #topLevel(seed: number): { run: ChunkRun; log: CallLog } {
    const log = new CallLog(this.#limits.maxLogBytes);
    const { budget, maxStringBytes, maxMemoryBytes } = this.#limits;
    const run = this.#chunk.start(budget, { log, random: new Xoshiro128(seed) }, { maxStringBytes, maxMemoryBytes });
    try {
      run.main();
    } catch (e) {
      throw this.#error(e, run, log, "main chunk");
    }
    return { run, log };
  }

  #call(kind: Kind, seed: number, args: (run: ChunkRun) => LuaValue[]): CallResult {
    if (this.#disposed) throw new Error("LuaJob used after dispose()");
    const { run, log } = this.#topLevel(seed);
    const { chunkName, budget, maxResultBytes } = this.#limits;
    let out: LuaValue;
    try {
      const fn = run.G.get(kind);
      if (typeof fn !== "function") throw new LuaThrow(`${chunkName} must define a global function ${kind === "map" ? "map(series, p)" : "reduce(values)"}`);
      out = run.ops.invoke(fn, args(run))[0];
    } catch (e) {
      throw this.#error(e, run, log, kind);
    }
    const instructions = budget === Infinity ? 0 : budget - run.st.left;
    try {
      return { value: luaToJson(out, maxResultBytes), log: log.lines, instructions };
    } catch (e) {
      if (e instanceof ResultError) throw new LuaError("result", e.message, { log: log.lines });
      throw e;
    }
  }

  #error(e: unknown, run: ChunkRun, log: CallLog, entry: string): LuaError {
    const error = runError(e, run.st, entry);
    if (error.kind === "budget") error.message = error.message.replace(BUDGET_MESSAGE, `instruction budget exceeded (${this.#limits.budget} instructions)`);
    error.log = log.lines;
    return error;
  }
}

/** Charges `n` to a run's budget, failing it as a back-edge past the budget does. */
function charge(run: ChunkRun, n: number): void {
  run.st.left -= n;
  if (run.st.left < 0) {
    run.st.left = 0;
    throw new LuaThrow(run.ops.where(run.st.calls[run.st.calls.length - 1] ?? -1) + BUDGET_MESSAGE, true);
  }
}
