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
});
