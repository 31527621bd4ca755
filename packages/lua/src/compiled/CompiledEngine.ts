import type { JobOptions, LuaEngine, LuaJob, SyntaxCheck } from "../LuaEngine.ts";
import { JOB_DEFAULTS, LuaError } from "../LuaEngine.ts";
import { compileLua } from "./compileLua.ts";
import { CompiledJob } from "./CompiledJob.ts";

/**
 * Creates the compiled engine: Lua 5.4 chunks compiled to JavaScript functions that V8's JIT
 * runs (see compile.ts). `check` compiles without running, so a construct the engine refuses
 * (string patterns, coroutines, load, …) fails the check with its line, never at run time.
 */
export function createCompiledEngine(): LuaEngine {
  return {
    name: "compiled",
    check(source: string, chunkName: string = JOB_DEFAULTS.chunkName): SyntaxCheck {
      try {
        compileLua(source, { chunkName });
        return { ok: true };
      } catch (e) {
        if (e instanceof LuaError) return { ok: false, error: e };
        throw e;
      }
    },
    load(opts: JobOptions): LuaJob {
      return new CompiledJob(opts);
    },
  };
}

/** The shared compiled engine. */
export const compiledEngine: LuaEngine = createCompiledEngine();
