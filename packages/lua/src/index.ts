export type { CallResult, JobOptions, LuaEngine, LuaJob, SeriesInput, SyntaxCheck } from "./LuaEngine.ts";
export type { LuaErrorKind } from "@shoal/protocol";
export { JOB_DEFAULTS, LuaError } from "./LuaEngine.ts";
export { createFengariEngine, fengariEngine } from "./fengari/FengariEngine.ts";
export { compiledEngine, createCompiledEngine } from "./compiled/CompiledEngine.ts";
export { getEngine, prepareEngine, type EngineOptions } from "./engines.ts";
export { ENGINE_SPEED, engineSpeedText } from "./engineSpeed.ts";
