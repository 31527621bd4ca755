import { LIMITS } from "@shoal/protocol";
import { LuaError } from "../LuaEngine.ts";
import { compileToJs, type CompiledSource } from "./compile.ts";
import { CompileRefusal } from "./CompileRefusal.ts";
import { LuaTable } from "./LuaTable.ts";
import { BUDGET_MESSAGE, createOps, rawToString, type RunState } from "./runtime.ts";
import { createGlobals } from "./stdlib.ts";
import { LuaThrow, type LuaValue } from "./values.ts";

/** Options of {@link compileLua}. */
export interface CompileOptions {
  /** Name in error positions; "job.lua" as the other engines. */
  chunkName?: string;
  /** Emit the back-edge budget checks (default true); off only for measuring their cost. */
  budget?: boolean;
}

/** A compiled chunk: run it as many times as wanted, each run with fresh globals. */
export interface CompiledChunk {
  readonly compiled: CompiledSource;
  /** Runs the chunk's main function; throws LuaError (`runtime` or `budget`) when it fails. */
  run(options?: { budget?: number; args?: LuaValue[] }): LuaValue[];
}

type Factory = (ops: unknown, G: LuaTable, K: readonly LuaValue[], st: RunState) => (...args: LuaValue[]) => LuaValue[];

/**
 * Compiles a Lua 5.4 chunk to a JavaScript function (the compiled engine, a prototype).
 * Throws LuaError `syntax` for a syntax error or a construct the engine refuses.
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
    if (e instanceof CompileRefusal) throw new LuaError("syntax", e.message);
    // Parsing and emitting recurse once per nesting level (a chain of binary operators counts
    // as nesting in luaparse's tree), and V8 parses the generated code recursively too.
    if (e instanceof RangeError) throw new LuaError("syntax", `${chunkName}: the chunk is nested too deeply for the compiled engine`);
    throw e;
  }
  const constants = Object.freeze(compiled.constants.slice());
  return {
    compiled,
    run({ budget = 1e8, args = [] } = {}) {
      const st: RunState = { left: budget, chunkName, sites: compiled.sites, calls: [], stringMeta: new LuaTable() };
      const ops = createOps(st);
      const G = createGlobals(st, ops);
      try {
        return factory(ops, G, constants, st)(...args);
      } catch (e) {
        if (e instanceof LuaThrow) {
          const v = e.value;
          const kind = e.fatal && typeof v === "string" && v.endsWith(BUDGET_MESSAGE) ? "budget" : "runtime";
          const message = typeof v === "string" || typeof v === "number" ? rawToString(v) : `(error object is a ${v instanceof LuaTable ? "table" : typeof v} value)`;
          throw new LuaError(kind, message);
        }
        if (e instanceof RangeError) throw new LuaError("runtime", `${chunkName}: stack overflow`);
        throw e;
      }
    },
  };
}
