import { LIMITS } from "@shoal/protocol";
import { JOB_DEFAULTS, LuaError } from "../LuaEngine.ts";
import { startHeap } from "./memory.ts";
import { compileToJs, type CompiledSource } from "./compile.ts";
import { CompileRefusal } from "./CompileRefusal.ts";
import { CallLog } from "../CallLog.ts";
import { Xoshiro128 } from "../random/Xoshiro128.ts";
import { installHostLib, type CallHost } from "./hostLib.ts";
import { LuaTable, resetTableIds } from "./LuaTable.ts";
import { BUDGET_MESSAGE, createOps, rawToString, resetFunctionIds, typeName, type Ops, type RunState } from "./runtime.ts";
import { createGlobals } from "./stdlib.ts";
import { LuaThrow, type LuaValue } from "./values.ts";

/** Options of {@link compileLua}. */
export interface CompileOptions {
  /** Name in error positions; "job.lua" as the other engines. */
  chunkName?: string;
  /** Emit the back-edge budget checks (default true); off only for measuring their cost. */
  budget?: boolean;
}

/** One run of a chunk, set up but not started: its state, operations and fresh globals. */
export interface ChunkRun {
  readonly st: RunState;
  readonly ops: Ops;
  readonly G: LuaTable;
  /** Runs the chunk's main function in this run's globals. */
  main(...args: LuaValue[]): LuaValue[];
}

/** A compiled chunk: run it as many times as wanted, each run with fresh globals. */
export interface CompiledChunk {
  readonly compiled: CompiledSource;
  /** Runs the chunk's main function; throws LuaError (`runtime` or `budget`) when it fails. */
  run(options?: { budget?: number; args?: LuaValue[] }): LuaValue[];
  /** Sets up a run with `budget` back-edges and calls and `host`'s print and random; errors of its calls go through {@link runError}. */
  start(budget: number, host: CallHost, limits?: { maxStringBytes: number; maxMemoryBytes: number }): ChunkRun;
}

type Factory = (ops: unknown, G: LuaTable, K: readonly LuaValue[], st: RunState) => (...args: LuaValue[]) => LuaValue[];

/**
 * Compiles a Lua 5.4 chunk to a JavaScript function (the compiled engine).
 * Throws LuaError `syntax`, with `line`, for a syntax error or a construct the engine refuses.
 */
export function compileLua(source: string, options: CompileOptions = {}): CompiledChunk {
  const chunkName = options.chunkName ?? "job.lua";
  const bytes = new TextEncoder().encode(source).length;
  if (bytes > LIMITS.scriptBytes) {
    throw new LuaError("syntax", `${chunkName}: the script is ${bytes} bytes; the compiled engine takes at most ${LIMITS.scriptBytes}`);
  }
  let compiled: CompiledSource;
  let factory: Factory;
  try {
    compiled = compileToJs(source, chunkName, options.budget ?? true);
    factory = new Function("$ops", "$G", "$K", "$st", compiled.js) as Factory;
  } catch (e) {
    if (e instanceof CompileRefusal) {
      const line = new RegExp(`^${escapeRegExp(chunkName)}:(\\d+):`).exec(e.message)?.[1];
      throw new LuaError("syntax", e.message, line === undefined ? {} : { line: Number(line) });
    }
    // Parsing and emitting recurse once per nesting level (a chain of binary operators counts
    // as nesting in luaparse's tree), and V8 parses the generated code recursively too.
    if (e instanceof RangeError) throw new LuaError("syntax", `${chunkName}: the chunk is nested too deeply for the compiled engine`);
    throw e;
  }
  const constants = Object.freeze(compiled.constants.slice());
  const start: CompiledChunk["start"] = (budget, host, limits = { maxStringBytes: JOB_DEFAULTS.maxStringBytes, maxMemoryBytes: Infinity }) => {
    startHeap(Infinity);
    resetTableIds();
    resetFunctionIds();
    const st: RunState = { left: budget, chunkName, sites: compiled.sites, calls: [], stringMeta: new LuaTable(), maxStringBytes: limits.maxStringBytes };
    const ops = createOps(st);
    startHeap(limits.maxMemoryBytes, () => ops.where(st.calls[st.calls.length - 1] ?? -1));
    const G = createGlobals(st, ops);
    installHostLib(G, st, ops, host);
    const main = factory(ops, G, constants, st);
    return { st, ops, G, main };
  };
  return {
    compiled,
    start,
    run({ budget = 1e8, args = [] } = {}) {
      const run = start(budget, { log: new CallLog(64 * 1024), random: new Xoshiro128(1) });
      try {
        return run.main(...args);
      } catch (e) {
        throw runError(e, run.st);
      }
    },
  };
}

/**
 * The LuaError for what a run threw: `budget` when the budget ran out, `runtime` for a Lua error
 * or a stack overflow, with the line of the message's position and a traceback of the calls in
 * progress when it was thrown (as `stack traceback:` lines, innermost first). Anything else is a
 * bug in the engine and is thrown on unchanged.
 */
export function runError(e: unknown, st: RunState, entry?: string): LuaError {
  const chunkName = st.chunkName;
  let kind: "budget" | "memory" | "runtime" = "runtime";
  let message: string;
  if (e instanceof LuaThrow) {
    const v = e.value;
    kind = e.kind ?? (e.fatal && typeof v === "string" && v.endsWith(BUDGET_MESSAGE) ? "budget" : "runtime");
    message = typeof v === "string" || typeof v === "number" ? rawToString(v) : `${chunkName}: error object is a ${typeName(v)} value`;
  } else if (e instanceof RangeError) {
    message = `${chunkName}: stack overflow`;
  } else {
    throw e;
  }
  const line = new RegExp(`^${escapeRegExp(chunkName)}:(\\d+):`).exec(message)?.[1];
  return new LuaError(kind, message, { ...(line !== undefined && { line: Number(line) }), traceback: traceback(st, line === undefined ? undefined : Number(line), entry) });
}

/**
 * Lua's traceback of the calls in progress: a frame per call, innermost first, each at the line
 * its function was running and named as its caller called it; the host's call is `entry`.
 */
function traceback(st: RunState, line: number | undefined, entry?: string): string {
  const { chunkName, calls, sites } = st;
  const describe = (site: number) => {
    const d = site >= 0 ? sites[site]?.[1] : undefined;
    return d === undefined ? "function <?>" : d.replace(/^global /, "function ");
  };
  const frames: string[] = [];
  let at = line;
  for (let k = calls.length - 1; k >= 0 && frames.length < 22; k--) {
    const site = calls[k]!;
    const name = k === 0 && site === -1 && entry !== undefined ? `function '${entry}'` : describe(site);
    frames.push(`${at === undefined ? "[host]" : `${chunkName}:${at}`}: in ${name}`);
    at = site >= 0 ? sites[site]?.[0] : undefined;
  }
  if (entry === "main chunk") frames.push(`${at === undefined ? "[host]" : `${chunkName}:${at}`}: in main chunk`);
  return ["stack traceback:", ...frames].join("\n\t");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
