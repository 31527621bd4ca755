import type { EngineName } from "@shoal/protocol";
import { fengariEngine } from "./fengari/FengariEngine.ts";
import type { LuaEngine } from "./LuaEngine.ts";
import type { WasmoonOptions } from "./wasmoon/WasmoonEngine.ts";

/** Options for preparing engines: where wasmoon's glue.wasm is (a browser must say). */
export type EngineOptions = WasmoonOptions;

// wasmoon is imported on first use, so bundles that only run fengari do not carry it.
const loaders: Record<EngineName, (options: EngineOptions) => Promise<LuaEngine>> = {
  fengari: () => Promise.resolve(fengariEngine),
  wasmoon: async (options) => (await import("./wasmoon/WasmoonEngine.ts")).loadWasmoonEngine(options),
  compiled: async () => (await import("./compiled/CompiledEngine.ts")).compiledEngine,
};
const ready = new Map<EngineName, LuaEngine>([["fengari", fengariEngine]]);

/**
 * Makes the named engine ready to load jobs synchronously, once per thread: fengari at
 * once; compiled on its first import; wasmoon loads its WebAssembly module and warms it up (about 0.2 s). Executors await
 * this before their first job of an engine, then use the engine (or getEngine) directly.
 */
export async function prepareEngine(name: EngineName, options: EngineOptions = {}): Promise<LuaEngine> {
  const engine = ready.get(name) ?? (await loaders[name](options));
  ready.set(name, engine);
  return engine;
}

/** The named engine once prepareEngine made it ready (fengari always is). */
export function getEngine(name: EngineName): LuaEngine {
  const engine = ready.get(name);
  if (engine === undefined) throw new Error(`the ${name} Lua engine is not ready: await prepareEngine("${name}") first`);
  return engine;
}
