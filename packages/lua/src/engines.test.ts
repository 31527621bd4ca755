import { ENGINE_NAMES } from "@shoal/protocol";
import { describe, expect, it } from "vitest";
import { getEngine, prepareEngine } from "./engines.ts";
import { fengariEngine } from "./fengari/FengariEngine.ts";

describe("engine registry", () => {
  it("has fengari ready at once and wasmoon after prepareEngine, one per thread", async () => {
    expect(getEngine("fengari")).toBe(fengariEngine);
    expect(() => getEngine("wasmoon")).toThrow('await prepareEngine("wasmoon") first');
    expect(await prepareEngine("fengari")).toBe(fengariEngine);
    const wasmoon = await prepareEngine("wasmoon");
    expect(wasmoon.name).toBe("wasmoon");
    expect(getEngine("wasmoon")).toBe(wasmoon);
    expect(await prepareEngine("wasmoon")).toBe(wasmoon);
  });

  it("prepares every engine ENGINE_NAMES lists, compiled included, each under its own name", async () => {
    for (const name of ENGINE_NAMES) {
      const engine = await prepareEngine(name);
      expect(engine.name).toBe(name);
      expect(getEngine(name)).toBe(engine);
      expect(engine.load({ source: "function map(series, p) return p.x * 2 end" }).map({ key: "k", time: new Float64Array(0), columns: {}, first: 1 }, { x: 21 }, 1).value).toBe(42);
    }
    expect(ENGINE_NAMES).toContain("compiled");
  });
});
