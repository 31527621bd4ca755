import type { LuaEngine } from "../LuaEngine.ts";
import { conversionSuite } from "./conversionSuite.ts";
import { errorsSuite } from "./errorsSuite.ts";
import { isolationSuite } from "./isolationSuite.ts";
import { limitsSuite } from "./limitsSuite.ts";
import { lua54Suite } from "./lua54Suite.ts";
import { sandboxSuite } from "./sandboxSuite.ts";

/** The behaviour every LuaEngine must show; run it from each engine's test file. */
export function runLuaEngineSuite(engine: LuaEngine): void {
  sandboxSuite(engine);
  isolationSuite(engine);
  errorsSuite(engine);
  conversionSuite(engine);
  limitsSuite(engine);
  lua54Suite(engine);
}
