import { describe } from "vitest";
import { runLuaEngineSuite } from "../testing/luaEngineSuite.ts";
import { fengariEngine } from "./FengariEngine.ts";

describe("fengari engine", () => {
  runLuaEngineSuite(fengariEngine);
});
