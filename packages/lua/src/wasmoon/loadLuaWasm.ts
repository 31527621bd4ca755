import { LuaWasm } from "wasmoon";
import type { LuaExports } from "./luaExports.ts";
import { REQUIRED_EXPORTS } from "./luaExports.ts";

type Imports = Record<string, Record<string, unknown>>;
type Instantiate = (source: unknown, imports?: Imports) => Promise<unknown>;

interface WasmNamespace {
  instantiate: Instantiate;
  instantiateStreaming?: Instantiate;
}

/** wasmoon's compiled Lua with its raw exports. */
export interface LuaModule {
  readonly exports: LuaExports;
  /** Puts a JavaScript function into the wasm function table (signature like "ii") and returns its index. */
  addFunction(fn: (...args: number[]) => number | void, signature: string): number;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Loads wasmoon's glue.wasm (from `wasmUrl`, or in Node from node_modules) and keeps a
 * handle on its raw exports, which wasmoon does not expose, by watching the module's
 * instantiation. Also pins the two clocks the wasm can read to 0: in the sandbox only
 * Lua's string-hash seed and table.sort's pivot choice read them, and both must be the
 * same on every replica.
 */
export function loadLuaWasm(wasmUrl?: string): Promise<LuaModule> {
  const next = queue.then(() => instantiate(wasmUrl));
  queue = next.catch(() => undefined);
  return next;
}

async function instantiate(wasmUrl: string | undefined): Promise<LuaModule> {
  const wasm = (globalThis as unknown as { WebAssembly: WasmNamespace }).WebAssembly;
  const { instantiate: plain, instantiateStreaming: streaming } = wasm;
  let exports: Record<string, unknown> | undefined;
  const watch =
    (original: Instantiate): Instantiate =>
    async (source, imports) => {
      const result = await original.call(wasm, source, imports && pinClocks(imports));
      const instance = (result as { instance?: unknown }).instance ?? result;
      const found = (instance as { exports?: Record<string, unknown> }).exports;
      if (found && typeof found["lua_newstate"] === "function") exports = found;
      return result;
    };
  wasm.instantiate = watch(plain);
  if (streaming) wasm.instantiateStreaming = watch(streaming);
  let lua: LuaWasm;
  try {
    lua = await LuaWasm.initialize(wasmUrl);
  } finally {
    wasm.instantiate = plain;
    if (streaming) wasm.instantiateStreaming = streaming;
  }
  if (exports === undefined) throw new Error("wasmoon: could not reach the exports of glue.wasm");
  const missing = REQUIRED_EXPORTS.filter((name) => exports?.[name] === undefined);
  if (missing.length > 0) throw new Error(`wasmoon: glue.wasm lacks ${missing.join(", ")}`);
  const { module } = lua;
  return {
    exports: exports as unknown as LuaExports,
    addFunction: (fn, signature) => module.addFunction(fn as unknown as (...args: unknown[]) => unknown, signature),
  };
}

function pinClocks(imports: Imports): Imports {
  const pinned: Imports = {};
  for (const [name, table] of Object.entries(imports)) {
    pinned[name] = "emscripten_date_now" in table ? { ...table, emscripten_date_now: () => 0, emscripten_get_now: () => 0 } : table;
  }
  return pinned;
}
