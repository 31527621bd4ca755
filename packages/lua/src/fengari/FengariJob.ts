import type { Json } from "@shoal/protocol";
import fengari from "fengari";
import type { CFunction, LClosure, LuaState, Proto } from "fengari";
import type { CallResult, JobOptions, LuaJob, SeriesInput } from "../LuaEngine.ts";
import { LuaError } from "../LuaEngine.ts";
import type { JobLimits } from "../resolveLimits.ts";
import { resolveLimits } from "../resolveLimits.ts";
import { CallContext, runInContext } from "./CallContext.ts";
import { countHook, HOOK_STEP } from "./CallGuard.ts";
import { ResultError } from "../convert/ResultError.ts";
import { pushJson, pushSeries, readJson } from "./convert.ts";
import { createSandbox, pushEnvironment } from "./sandbox.ts";
import { compileError } from "./compileError.ts";
import { jobPosition } from "./jobPosition.ts";
import { needsPosition } from "../needsPosition.ts";

const { lua, lauxlib, to_luastring, to_jsstring } = fengari;
const REG = lua.LUA_REGISTRYINDEX;
const CHUNK_FIELD = to_luastring("shoal.chunk");
const KIND_NAMES = { map: to_luastring("map"), reduce: to_luastring("reduce") };


interface JobState {
  L: LuaState;
  /** Every prototype of the chunk, whose closure caches are cleared before each call. */
  protos: Proto[];
  /** The object-id counter after setup; reset before each call so `tostring({})` never depends on history. */
  baseId: number;
}

type Kind = "probe" | "map" | "reduce";

/**
 * A job on fengari: one lua_State with the chunk compiled once. Each call builds a fresh
 * environment, runs the chunk's top level in it, then calls `map` or `reduce`, under a
 * CallGuard. After any failed call the state is discarded and rebuilt on the next one,
 * so nothing a failure left behind can reach later calls.
 */
export class FengariJob implements LuaJob {
  readonly hasReduce: boolean;
  readonly #limits: JobLimits;
  #state: JobState | null;
  #disposed = false;

  constructor(opts: JobOptions) {
    this.#limits = resolveLimits(opts);
    this.#state = this.#build();
    const [hasMap, hasReduce] = this.#call("probe", () => 0, 0).value as [boolean, boolean];
    if (!hasMap) throw new LuaError("runtime", `${this.#limits.chunkName} must define a global function map(series, p)`);
    this.hasReduce = hasReduce;
  }

  map(series: SeriesInput, p: Readonly<Record<string, Json>>, seed: number): CallResult {
    return this.#call(
      "map",
      (L) => {
        pushSeries(L, series);
        pushJson(L, p as Json);
        return 2;
      },
      seed,
    );
  }

  reduce(values: readonly Json[], seed: number): CallResult {
    return this.#call(
      "reduce",
      (L) => {
        pushJson(L, values as Json);
        return 1;
      },
      seed,
    );
  }

  dispose(): void {
    this.#disposed = true;
    this.#state = null;
  }

  #build(): JobState {
    const L = createSandbox();
    const { source, chunkName } = this.#limits;
    const code = to_luastring(source);
    if (lauxlib.luaL_loadbufferx(L, code, code.length, `@${chunkName}`, "t") !== lua.LUA_OK) {
      throw compileError(L, chunkName);
    }
    const protos: Proto[] = [];
    const collect = (p: Proto) => {
      protos.push(p);
      p.p.forEach(collect);
    };
    collect((lua.lua_topointer(L, -1) as LClosure).p);
    lua.lua_setfield(L, REG, CHUNK_FIELD);
    return { L, protos, baseId: L.l_G.id_counter };
  }

  #call(kind: Kind, pushArgs: (L: LuaState) => number, seed: number): CallResult {
    if (this.#disposed) throw new Error("LuaJob used after dispose()");
    const state = (this.#state ??= this.#build());
    const { L } = state;
    const limits = this.#limits;
    const ctx = new CallContext(limits, seed, limits.maxLogBytes);
    L.l_G.id_counter = state.baseId;
    for (const p of state.protos) p.cache = null;
    lua.lua_settop(L, 0);
    lua.lua_sethook(L, countHook, lua.LUA_MASKCOUNT, HOOK_STEP);
    lua.lua_pushcfunction(L, this.#messageHandler(ctx));
    lua.lua_pushcfunction(L, this.#driver(kind, pushArgs));
    let status: number;
    try {
      status = runInContext(ctx, () => lua.lua_pcall(L, 0, kind === "probe" ? 2 : 1, 1));
    } catch (e) {
      this.#state = null;
      throw new LuaError("runtime", `internal error in the Lua engine (${e instanceof Error ? e.message : String(e)})`, {
        log: ctx.log.lines,
      });
    }
    const instructions = ctx.guard.used + (L.basehookcount - L.hookcount);
    const log = ctx.log.lines;
    try {
      if (status !== lua.LUA_OK) {
        this.#state = null;
        throw this.#callError(L, status, ctx);
      }
      if (kind === "probe") {
        return { value: [lua.lua_type(L, -2) === lua.LUA_TFUNCTION, lua.lua_type(L, -1) === lua.LUA_TFUNCTION], log, instructions };
      }
      return { value: readJson(L, -1, limits.maxResultBytes), log, instructions };
    } catch (e) {
      if (e instanceof LuaError) throw e;
      this.#state = null;
      if (e instanceof ResultError) throw new LuaError("result", e.message, { log });
      throw new LuaError("runtime", `internal error in the Lua engine (${e instanceof Error ? e.message : String(e)})`, { log });
    } finally {
      lua.lua_settop(L, 0);
    }
  }

  /** The C function the protected call runs: fresh environment, top level, then map/reduce. */
  #driver(kind: Kind, pushArgs: (L: LuaState) => number): CFunction {
    const chunkName = this.#limits.chunkName;
    return (L) => {
      const env = pushEnvironment(L);
      lua.lua_getfield(L, REG, CHUNK_FIELD);
      lua.lua_pushvalue(L, env);
      lua.lua_setupvalue(L, -2, 1);
      lua.lua_call(L, 0, 0);
      if (kind === "probe") {
        lua.lua_getfield(L, env, KIND_NAMES.map);
        lua.lua_getfield(L, env, KIND_NAMES.reduce);
        return 2;
      }
      lua.lua_getfield(L, env, KIND_NAMES[kind]);
      if (lua.lua_type(L, -1) !== lua.LUA_TFUNCTION) {
        const signature = kind === "map" ? "map(series, p)" : "reduce(values)";
        lauxlib.luaL_error(L, "%s", `${chunkName} must define a global function ${signature}`);
      }
      lua.lua_call(L, pushArgs(L), 1);
      return 1;
    };
  }

  /** Message handler: makes any error value a readable string and captures the traceback. */
  #messageHandler(ctx: CallContext): CFunction {
    const chunkName = this.#limits.chunkName;
    return (L) => {
      const type = lua.lua_type(L, 1);
      let message =
        type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER
          ? to_jsstring(lua.lua_tostring(L, 1) as Uint8Array, 0, undefined, true)
          : `${chunkName}: error object is a ${to_jsstring(lauxlib.luaL_typename(L, 1))} value`;
      if (type === lua.LUA_TSTRING && needsPosition(message, ctx.chosenError)) message = jobPosition(L, chunkName) + message;
      lauxlib.luaL_traceback(L, L, null, 1);
      ctx.traceback = to_jsstring(lua.lua_tostring(L, -1) as Uint8Array, 0, undefined, true);
      lua.lua_pushstring(L, message);
      return 1;
    };
  }

  #callError(L: LuaState, status: number, ctx: CallContext): LuaError {
    const { tripped, memoryMessages } = ctx.guard;
    // Status -1: fengari caught a JavaScript exception but could not even run the handler
    // that converts it, which in practice means the JavaScript stack was exhausted.
    let message =
      status !== -1 && lua.lua_type(L, -1) === lua.LUA_TSTRING
        ? to_jsstring(lua.lua_tostring(L, -1) as Uint8Array, 0, undefined, true)
        : `${this.#limits.chunkName}: stack overflow (JavaScript exception in the Lua engine, most likely its stack was exhausted)`;
    if (tripped !== null) message = tripped.message;
    let kind: LuaError["kind"] = tripped?.kind ?? "runtime";
    if (tripped === null && [...memoryMessages].some((m) => message === m || message.endsWith(`: ${m}`))) kind = "memory";
    const line = new RegExp(`^${escapeRegExp(this.#limits.chunkName)}:(\\d+):`).exec(message)?.[1];
    return new LuaError(kind, message, {
      ...(line !== undefined && { line: Number(line) }),
      ...(ctx.traceback !== undefined && { traceback: ctx.traceback }),
      log: ctx.log.lines,
    });
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
