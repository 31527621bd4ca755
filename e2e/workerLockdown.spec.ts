import { expect, test } from "@playwright/test";
import { firstDifference, SWEEP, TestGrid, useSweepGrid } from "./support/grid.ts";
import { startDonor } from "./support/startDonor.ts";

/*
 * Defence in depth (issue #20): a real donor page in Chromium computes a job as `shoal run` does,
 * and inside its executor Web Workers the network globals are throwing stubs nobody can replace.
 */

const grid = new TestGrid();
const sweepResult = useSweepGrid(grid);

test("a donor's executor Web Workers run fengari and wasmoon jobs right and have no fetch, XMLHttpRequest, WebSocket or importScripts", async ({ browser }) => {
  const donor = await startDonor(browser, grid.url);
  const result = await grid.submit(SWEEP).result();
  expect(firstDifference(sweepResult(), result)).toBeUndefined();
  // wasmoon's glue.wasm was fetched before the lockdown, so a wasmoon job still runs, to the same result.
  const wasmoon = await grid.submit([...SWEEP, "--engine", "wasmoon"]).result();
  expect(firstDifference(sweepResult(), wasmoon)).toBeUndefined();
  expect(Number(await donor.getByTestId("tasks-done").textContent())).toBeGreaterThan(0);
  // The coordinator's policy (script-src without 'unsafe-eval') forbids compiling JavaScript in the
  // worker, so a donor does not advertise the compiled engine: compiled jobs go to Node volunteers.
  const peers = (await (await fetch(`${grid.url}/api/peers`, { headers: { authorization: `Bearer ${grid.token}` } })).json()) as Array<{ engines: string[] }>;
  expect(peers.map((peer) => peer.engines)).toEqual([["fengari", "wasmoon"]]);

  const executors = donor.workers().filter((worker) => worker.url().includes("executorWorker"));
  expect(executors.length).toBeGreaterThan(0);
  for (const executor of executors) {
    const seen = await executor.evaluate(() => {
      const scope = self as unknown as Record<string, unknown>;
      const names = ["fetch", "XMLHttpRequest", "WebSocket", "importScripts", "EventSource", "BroadcastChannel", "Worker"];
      const attempt = (name: string): string => {
        try {
          (scope[name] as () => unknown)();
          return "no error";
        } catch (error) {
          return (error as Error).message;
        }
      };
      // Nothing may put them back, neither assignment nor redefinition.
      try {
        scope["fetch"] = () => "restored";
        Object.defineProperty(self, "fetch", { value: () => "restored" });
      } catch {
        // expected: the property is non-configurable
      }
      return {
        errors: Object.fromEntries(names.map((name) => [name, attempt(name)])),
        configurable: names.map((name) => Object.getOwnPropertyDescriptor(self, name)?.configurable),
        indexedDB: typeof scope["indexedDB"],
        caches: typeof scope["caches"],
        postMessage: typeof self.postMessage,
      };
    });
    for (const [name, message] of Object.entries(seen.errors)) expect(message, name).toBe(`${name} is disabled in the Shoal executor worker: Lua tasks never reach the network`);
    expect(seen.configurable.every((c) => c === false)).toBe(true);
    expect(seen.indexedDB).toBe("undefined");
    expect(seen.caches).toBe("undefined");
    expect(seen.postMessage).toBe("function");
  }
  await donor.context().close();
});
