import { describe } from "vitest";
import { runLuaEngineSuite } from "../testing/luaEngineSuite.ts";
import { loadWasmoonEngine } from "./WasmoonEngine.ts";

const engine = await loadWasmoonEngine();

describe("wasmoon engine", () => {
  runLuaEngineSuite(engine);
});
