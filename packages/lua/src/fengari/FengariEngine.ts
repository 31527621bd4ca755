import fengari from "fengari";
import type { JobOptions, LuaEngine, LuaJob, SyntaxCheck } from "../LuaEngine.ts";
import { JOB_DEFAULTS, LuaError } from "../LuaEngine.ts";
import { compileError } from "./compileError.ts";
import { FengariJob } from "./FengariJob.ts";

const { lua, lauxlib, to_luastring } = fengari;

/** Creates the fengari engine: Lua 5.3 in pure JavaScript, 32-bit integers. */
export function createFengariEngine(): LuaEngine {
  return {
    name: "fengari",
    check(source: string, chunkName: string = JOB_DEFAULTS.chunkName): SyntaxCheck {
      const L = lauxlib.luaL_newstate();
      const code = to_luastring(source);
      try {
        if (lauxlib.luaL_loadbufferx(L, code, code.length, `@${chunkName}`, "t") === lua.LUA_OK) return { ok: true };
        return { ok: false, error: compileError(L, chunkName) };
      } catch (e) {
        return { ok: false, error: new LuaError("syntax", `${chunkName}: ${e instanceof Error ? e.message : String(e)}`) };
      }
    },
    load(opts: JobOptions): LuaJob {
      return new FengariJob(opts);
    },
  };
}

/** The shared fengari engine. */
export const fengariEngine: LuaEngine = createFengariEngine();
