import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { lockDownThread } from "./lockDownThread.ts";

describe("lockDownThread", () => {
  it("takes the network globals and process's native-code doors away, for good", () => {
    const proc = { binding: () => 1, dlopen: () => 2, env: {} };
    const scope = { fetch: () => 1, WebSocket: class {}, BroadcastChannel: class {}, process: proc };
    expect(lockDownThread(scope).sort()).toEqual(["BroadcastChannel", "WebSocket", "fetch", "process.binding", "process.dlopen"]);
    expect(() => scope.fetch()).toThrow(/disabled in the Shoal executor/);
    expect(() => proc.binding()).toThrow("process.binding is disabled in the Shoal executor thread");
    expect(() => {
      (proc as Record<string, unknown>).dlopen = () => 3;
    }).toThrow(TypeError);
    expect(() => proc.dlopen()).toThrow(/disabled/);
  });

  it("leaves a real executor thread without fetch or process.binding while compiled and wasmoon tasks still run", async () => {
    const entry = new URL("./testing/lockedDownProbe.mjs", import.meta.url);
    const worker = new Worker(entry);
    const report = await new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    expect(report).toMatchObject({ fetch: "blocked", binding: "blocked", compiled: 42, wasmoon: 63 });
    expect(report["removed"]).toEqual(expect.arrayContaining(["fetch", "process.binding", "process.dlopen"]));
  });
});
