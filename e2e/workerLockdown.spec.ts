import { expect, test } from "@playwright/test";
import { firstDifference, shoalRunResult, SWEEP, TestGrid, useSweepGrid } from "./support/grid.ts";
import { startDonor } from "./support/startDonor.ts";

/*
 * Defence in depth (issue #20): a real donor page in Chromium computes a job as `shoal run` does,
 * on every engine, and inside its executor Web Workers the network globals are throwing stubs
 * nobody can replace. The compiled engine runs in a Web Worker of its own, the one script served
 * with 'unsafe-eval' (to compile Lua to JavaScript) and with no network at all.
 */

const grid = new TestGrid();
const sweepResult = useSweepGrid(grid);

test("a donor's executor Web Workers run fengari, wasmoon and compiled jobs right and have no fetch, XMLHttpRequest, WebSocket or importScripts", async ({ browser }) => {
  const compiledBaseline = shoalRunResult([...SWEEP, "--engine", "compiled"]);
  const policies = new Map<string, string>();
  const donor = await startDonor(browser, grid.url, (page) =>
    page.on("response", (response) => {
      const name = /assets\/(executorWorker|compiledWorker)-[\w-]+\.js$/.exec(response.url())?.[1];
      if (name) policies.set(name, response.headers()["content-security-policy"] ?? "");
    }),
  );
  const result = await grid.submit(SWEEP).result();
  expect(firstDifference(sweepResult(), result)).toBeUndefined();
  // wasmoon's glue.wasm was fetched before the lockdown, so a wasmoon job still runs, to the same result.
  const wasmoon = await grid.submit([...SWEEP, "--engine", "wasmoon"]).result();
  expect(firstDifference(sweepResult(), wasmoon)).toBeUndefined();
  // The donor is the grid's only volunteer, so its compiled engine's worker computed this.
  const compiled = await grid.submit([...SWEEP, "--engine", "compiled"]).result();
  expect(firstDifference(await compiledBaseline, compiled)).toBeUndefined();
  expect(Number(await donor.getByTestId("tasks-done").textContent())).toBeGreaterThan(0);
  const peers = (await (await fetch(`${grid.url}/api/peers`, { headers: { authorization: `Bearer ${grid.token}` } })).json()) as Array<{ engines: string[] }>;
  expect(peers.map((peer) => peer.engines)).toEqual([["fengari", "wasmoon", "compiled"]]);

  // Only the compiled engine's worker may eval, and it may connect nowhere; the interpreters' worker may not eval.
  expect(policies.get("compiledWorker")).toContain("script-src 'self' 'unsafe-eval'");
  expect(policies.get("compiledWorker")).toContain("connect-src 'none'");
  expect(policies.get("executorWorker")).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policies.get("executorWorker")).not.toContain("'unsafe-eval'");

  const executors = donor.workers().filter((worker) => /executorWorker|compiledWorker/.test(worker.url()));
  expect(executors.filter((worker) => worker.url().includes("executorWorker")).length).toBeGreaterThan(0);
  expect(executors.filter((worker) => worker.url().includes("compiledWorker")).length).toBeGreaterThan(0);
  // Playwright's evaluate runs with eval allowed whatever the policy says (DevTools), so the policy
  // itself is checked on the response headers above, not by trying eval here.
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
