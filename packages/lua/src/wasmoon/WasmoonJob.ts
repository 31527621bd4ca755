import type { Json } from "@shoal/protocol";
import type { CallResult, JobOptions, LuaJob, SeriesInput } from "../LuaEngine.ts";
import { LuaError } from "../LuaEngine.ts";
import type { JobLimits } from "../resolveLimits.ts";
import { resolveLimits } from "../resolveLimits.ts";
import { pushJson, pushSeries } from "./convert.ts";
import { LibError } from "./LibError.ts";
import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { ResultError } from "../convert/ResultError.ts";
import { readJson } from "./readJson.ts";
import { openSandbox } from "./sandbox.ts";
import { WasmoonCall } from "./WasmoonCall.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";
import { compileError } from "./compileError.ts";
import { jobPosition } from "./jobPosition.ts";
import { needsPosition } from "../needsPosition.ts";
import { countedBytes, GUARD_LIMIT_NOTE, openCountedChunk, ReservedNameError } from "./countdown.ts";

/** Instructions between two runs of the count hook. */
const HOOK_STEP = 1000;

type Kind = "probe" | "map" | "reduce";

/**
 * How wasmoon enforces a finite instruction budget: "countdown" runs the chunk rewritten with
 * back-edge checks (insertBackEdgeChecks) and no count hook; "hook" runs it as written under a
 * count hook every HOOK_STEP instructions (about 1.7x slower on plain Lua: 2.96x native against
 * 1.75x, `npm run bench lua`, guard candidates).
 */
export type WasmoonGuardMode = "countdown" | "hook";
export const DEFAULT_GUARD_MODE: WasmoonGuardMode = "countdown";

/**
 * A job on wasmoon. Every call gets a fresh lua_State: the sandbox is opened, the chunk
 * compiled and its top level run, then `map` or `reduce` is called, and the state is
 * closed. Nothing survives a call, and since the state starts identical each time (its
 * hash seed included), so do its collector, its tables' iteration order and its ids.
 */
export class WasmoonJob implements LuaJob {
  readonly hasReduce: boolean;
  readonly #rt: WasmoonRuntime;
  readonly #limits: JobLimits;
  readonly #code: Uint8Array;
  /** Whether the code is rewritten with countdown checks (a finite budget in "countdown" mode). */
  readonly #countdown: boolean;
  #disposed = false;

  constructor(rt: WasmoonRuntime, opts: JobOptions, mode: WasmoonGuardMode = DEFAULT_GUARD_MODE) {
    this.#rt = rt;
    this.#limits = resolveLimits(opts);
    this.#countdown = mode === "countdown" && Number.isFinite(this.#limits.budget);
    const compiled = prepare(rt, new TextEncoder().encode(this.#limits.source), this.#limits.chunkName, this.#countdown);
    if (compiled instanceof LuaError) throw compiled;
    this.#code = compiled;
    const [hasMap, hasReduce] = this.#call("probe", () => 0, 0).value as [boolean, boolean];
    if (!hasMap) throw new LuaError("runtime", `${this.#limits.chunkName} must define a global function map(series, p)`);
    this.hasReduce = hasReduce;
  }

  map(series: SeriesInput, p: Readonly<Record<string, Json>>, seed: number): CallResult {
    return this.#call(
      "map",
      (L) => {
        pushSeries(this.#rt, L, series);
        pushJson(this.#rt, L, p as Json);
        return 2;
      },
      seed,
    );
  }

  reduce(values: readonly Json[], seed: number): CallResult {
    return this.#call(
      "reduce",
      (L) => {
        pushJson(this.#rt, L, values as Json);
        return 1;
      },
      seed,
    );
  }

  dispose(): void {
    this.#disposed = true;
  }

  #call(kind: Kind, pushArgs: (L: State) => number, seed: number): CallResult {
    if (this.#disposed) throw new Error("LuaJob used after dispose()");
    const rt = this.#rt;
    const { x } = rt;
    const hooks = {
      onTrip: (c: WasmoonCall) => rt.setHook(c.L, 1),
      locate: (c: WasmoonCall, L: State) => jobPosition(rt.x, rt.heap, L, c.chunkName),
    };
    const call = new WasmoonCall(this.#limits, seed, rt.stringOverhead, hooks, (c, L) => this.#body(kind, c, L, pushArgs));
    call.countdown = this.#countdown;
    const previous = rt.call;
    const stack = x.stackSave();
    rt.call = call;
    let L: State = 0;
    let error: LuaError | null = null;
    let instructions = 0;
    try {
      L = rt.open(call.guard);
      call.L = L;
      x.lua_pushcclosure(L, rt.fn(messageHandler), 0);
      x.lua_pushcclosure(L, rt.fn(driver), 0);
      const status = x.lua_pcallk(L, 0, 0, 1, 0, 0);
      instructions = call.guard.used + (Number.isFinite(this.#limits.budget) && !this.#countdown ? rt.sinceHook(L) : 0);
      if (status !== LUA.OK || call.guard.tripped !== null) error = this.#callError(L, status, call);
      else if (call.resultError !== null) error = new LuaError("result", call.resultError, { log: call.log.lines });
    } catch (e) {
      // A JavaScript exception went through Lua (a panic, or the wasm stack ran out): the state cannot be trusted, not even to close.
      x.stackRestore(stack);
      L = 0;
      const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      error = new LuaError("runtime", `internal error in the Lua engine (${text})`, { log: call.log.lines });
    } finally {
      if (L !== 0) rt.close(L);
      rt.call = previous;
    }
    if (error !== null) throw error;
    return { value: call.value, log: call.log.lines, instructions };
  }

  /** Runs inside the protected call once the sandbox is open: compile, top level, then map/reduce and the result. */
  #body(kind: Kind, call: WasmoonCall, L: State, pushArgs: (L: State) => number): void {
    const rt = this.#rt;
    const { x, heap } = rt;
    const { chunkName, budget, maxResultBytes } = this.#limits;
    call.guard.enforcing = true;
    if (x.luaL_loadbufferx(L, heap.stage(this.#code), this.#code.length, heap.cstr(`@${chunkName}`), heap.cstr("t")) !== LUA.OK) {
      x.lua_error(L);
    }
    if (this.#countdown) openCountedChunk(rt, L);
    else if (Number.isFinite(budget)) rt.setHook(L, HOOK_STEP);
    x.lua_callk(L, 0, 0, 0, 0);
    if (kind === "probe") {
      call.value = [x.lua_getglobal(L, heap.cstr("map")) === LUA.TFUNCTION, x.lua_getglobal(L, heap.cstr("reduce")) === LUA.TFUNCTION];
      return;
    }
    if (x.lua_getglobal(L, heap.cstr(kind)) !== LUA.TFUNCTION) {
      throw new LibError(`${chunkName} must define a global function ${kind === "map" ? "map(series, p)" : "reduce(values)"}`);
    }
    x.lua_callk(L, pushArgs(L), 1, 0, 0);
    try {
      call.value = readJson(rt, L, -1, maxResultBytes);
    } catch (e) {
      if (!(e instanceof ResultError)) throw e;
      call.resultError = e.message;
    }
  }

  #callError(L: State, status: number, call: WasmoonCall): LuaError {
    const { x, heap } = this.#rt;
    const { chunkName } = this.#limits;
    const { tripped, refusal, memoryMessages } = call.guard;
    let message = x.lua_type(L, -1) === LUA.TSTRING ? heap.string(L, -1) : `${chunkName}: error object is not a string`;
    let kind: LuaError["kind"] = "runtime";
    if (tripped !== null) {
      kind = tripped.kind;
      message = tripped.message;
    } else if (status === LUA.ERRMEM || message === "not enough memory") {
      kind = "memory";
      message = refusal ?? message;
    } else if ([...memoryMessages].some((m) => message === m || message.endsWith(`: ${m}`))) kind = "memory";
    const line = new RegExp(`^${escapeRegExp(chunkName)}:(\\d+):`).exec(message)?.[1];
    return new LuaError(kind, message, {
      ...(line !== undefined && { line: Number(line) }),
      ...(call.traceback !== undefined && { traceback: call.traceback }),
      log: call.log.lines,
    });
  }
}

/**
 * Compiles `code` in a throwaway state; the syntax LuaError, or null when it compiles. A
 * chunk naming the countdown's reserved names is refused here, whatever the budget, so
 * wasmoon accepts the same scripts in both guard modes.
 */
export function compile(rt: WasmoonRuntime, code: Uint8Array, chunkName: string): LuaError | null {
  const compiled = prepare(rt, code, chunkName, false);
  return compiled instanceof LuaError ? compiled : null;
}

/**
 * The code to run for the chunk `code`: itself, or rewritten with countdown checks when
 * `countdown`; or the syntax LuaError. Lua compiles the chunk as written first, so a syntax
 * error reads exactly as native Lua's.
 */
function prepare(rt: WasmoonRuntime, code: Uint8Array, chunkName: string, countdown: boolean): Uint8Array | LuaError {
  const { x, heap } = rt;
  const L = rt.open(null);
  const load = (bytes: Uint8Array): LuaError | null => {
    if (x.luaL_loadbufferx(L, heap.stage(bytes), bytes.length, heap.cstr(`@${chunkName}`), heap.cstr("t")) === LUA.OK) return null;
    return compileError(x.lua_type(L, -1) === LUA.TSTRING ? heap.string(L, -1) : null, chunkName);
  };
  try {
    const error = load(code);
    if (error !== null) return error;
    let counted: Uint8Array;
    try {
      counted = countedBytes(code);
    } catch (e) {
      if (!(e instanceof ReservedNameError)) throw e;
      return new LuaError("syntax", `${chunkName}:${e.line}: ${e.message}`, { line: e.line });
    }
    if (!countdown) return code;
    const guardError = load(counted);
    if (guardError !== null) return new LuaError("syntax", `${guardError.message} ${GUARD_LIMIT_NOTE}`, guardError.line === undefined ? {} : { line: guardError.line });
    return counted;
  } finally {
    rt.close(L);
  }
}

/** The protected call's body: opens the sandbox, then runs what the call asked for. */
const driver: LibFunction = (rt, L) => {
  const call = rt.current();
  openSandbox(rt, L);
  call.body(L);
  return 0;
};

/** Message handler: makes any error value a readable string and captures the traceback. */
const messageHandler: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  const call = rt.current();
  const type = x.lua_type(L, 1);
  let message =
    type === LUA.TSTRING || type === LUA.TNUMBER ? heap.string(L, 1) : `${call.chunkName}: error object is a ${rt.typeName(L, 1)} value`;
  if (type === LUA.TSTRING && needsPosition(message, call.chosenError)) message = jobPosition(x, heap, L, call.chunkName) + message;
  x.luaL_traceback(L, L, 0, 1);
  call.traceback = heap.string(L, -1);
  heap.pushString(L, message);
  return 1;
};

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
