import { describe } from "vitest";
import { runLuaEngineSuite } from "../testing/luaEngineSuite.ts";
import { compiledEngine } from "./CompiledEngine.ts";

describe("compiled engine", () => {
  runLuaEngineSuite(compiledEngine);
});
