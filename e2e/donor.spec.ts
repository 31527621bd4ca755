import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { firstDifference, shoalRunResult, SWEEP, TestGrid, useSweepGrid } from "./support/grid.ts";

/*
 * Donor pages in real Chromium against a real coordinator process: they run the grid's tasks
 * in Web Workers and the job's result equals `shoal run`'s.
 */

test.describe.configure({ mode: "serial" });

const grid = new TestGrid();
const sweepResult = useSweepGrid(grid);

interface Donor {
  context: BrowserContext;
  page: Page;
}

async function openDonor(browser: Browser, query = "", context?: BrowserContext, onPage?: (page: Page) => void): Promise<Donor> {
  context ??= await browser.newContext();
  const page = await context.newPage();
  onPage?.(page);
  await page.goto(`${grid.url}/${query}`);
  await expect(page.getByTestId("toggle")).toBeEnabled();
  await expect(page.getByTestId("state")).toHaveText("Stopped");
  await page.getByTestId("toggle").click();
  await expect(page.getByTestId("state")).toContainText("Running", { timeout: 20_000 });
  return { context, page };
}

async function stat(page: Page, id: string): Promise<number> {
  return Number(await page.getByTestId(id).textContent());
}


test("three donor pages compute the sweep as shoal run does, even when one closes mid-job", async ({ browser }) => {
  const donors = await Promise.all([openDonor(browser), openDonor(browser), openDonor(browser)]);
  const submitted = grid.submit(SWEEP);
  await expect.poll(async () => (await Promise.all(donors.map((d) => stat(d.page, "tasks-done")))).reduce((a, b) => a + b, 0), { timeout: 30_000 }).toBeGreaterThan(0);
  await donors[2]!.context.close();
  const result = await submitted.result();
  expect(firstDifference(sweepResult(), result)).toBeUndefined();
  const done = await Promise.all(donors.slice(0, 2).map((d) => stat(d.page, "tasks-done")));
  expect(done.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  await Promise.all(donors.slice(0, 2).map((d) => d.context.close()));
});

test("the same job again is served from IndexedDB: no shard bytes from the coordinator", async ({ browser }) => {
  const donor = await openDonor(browser);
  expect(firstDifference(sweepResult(), await grid.submit(SWEEP).result())).toBeUndefined();
  const served = await grid.metric("shoal_shard_bytes_served_total");
  expect(await donor.page.getByTestId("cache").textContent()).toMatch(/^[1-9]\d* slices? of data · /);

  await donor.page.reload();
  await donor.page.getByTestId("toggle").click();
  await expect(donor.page.getByTestId("state")).toContainText("Running", { timeout: 20_000 });
  expect(firstDifference(sweepResult(), await grid.submit(SWEEP).result())).toBeUndefined();
  expect(await grid.metric("shoal_shard_bytes_served_total")).toBe(served);
  expect(await stat(donor.page, "tasks-done")).toBeGreaterThan(0);
  await donor.context.close();
});

test("a donor lacking a shard gets it from another donor over WebRTC, not from the coordinator", async ({ browser }) => {
  const holder = await openDonor(browser);
  expect(firstDifference(sweepResult(), await grid.submit(SWEEP).result())).toBeUndefined();
  const served = await grid.metric("shoal_shard_bytes_served_total");
  const newcomer = await openDonor(browser);
  // Two replicas on distinct peers, with two peers: the newcomer must run every task, however
  // fast the holder (which prefers its own shards and prefetches by throughput) takes them.
  expect(firstDifference(sweepResult(), await grid.submit([...SWEEP, "--replicas", "2", "--quorum", "2"]).result())).toBeUndefined();
  expect(await stat(newcomer.page, "tasks-done")).toBeGreaterThan(0);
  expect(await stat(newcomer.page, "shards-peer")).toBeGreaterThan(0);
  expect(await grid.metric("shoal_shard_bytes_served_total")).toBe(served);
  await Promise.all([holder.context.close(), newcomer.context.close()]);
});

test("a runaway Lua task fails by its deadline, its Web Worker is replaced, and the page goes on", async ({ browser }) => {
  const donor = await openDonor(browser, "?deadline=1500");
  const loop = grid.script("loop.lua", "function map(series, p)\n  while true do end\nend\n");
  const runaway = grid.submit([loop, "--data", "public/datasets/sp500.csv", "--split", "rows=2500"]);
  await expect.poll(() => stat(donor.page, "tasks-failed"), { timeout: 30_000 }).toBeGreaterThan(0);
  const before = Date.now();
  expect(await donor.page.evaluate(() => 6 * 7)).toBe(42);
  expect(Date.now() - before).toBeLessThan(1000);
  const id = (await runaway.process.waitFor(/submitted job (\S+):/))[1]!;
  runaway.process.child.kill("SIGKILL");
  await fetch(`${grid.url}/api/jobs/${id}/cancel`, { method: "POST", headers: { authorization: `Bearer ${grid.token}` } });
  const doneBefore = await stat(donor.page, "tasks-done");
  expect(firstDifference(sweepResult(), await grid.submit(SWEEP).result())).toBeUndefined();
  expect(await stat(donor.page, "tasks-done")).toBeGreaterThan(doneBefore);
  await donor.context.close();
});

test("a wasmoon job runs on donor pages as shoal run --engine wasmoon prints; a page whose wasm does not load runs fengari only", async ({ browser }) => {
  const wasmoon = [...SWEEP, "--engine", "wasmoon"];
  const baseline = shoalRunResult(wasmoon);
  const blocked = await browser.newContext();
  await blocked.route("**/*.wasm", (route) => route.abort());
  const fengariOnly = await openDonor(browser, "", blocked);
  const wasmHeaders: Array<Record<string, string>> = [];
  const capable = await openDonor(browser, "", undefined, (page) =>
    page.context().on("response", (response) => {
      if (response.url().endsWith(".wasm")) wasmHeaders.push(response.headers());
    }),
  );
  const peers = (await (await fetch(`${grid.url}/api/peers`, { headers: { authorization: `Bearer ${grid.token}` } })).json()) as Array<{ engines: string[] }>;
  expect(peers.map((p) => p.engines.join("+")).sort()).toEqual(["fengari+compiled", "fengari+wasmoon+compiled"]);
  expect(wasmHeaders.length).toBeGreaterThan(0);
  expect(wasmHeaders[0]?.["cache-control"]).toMatch(/immutable/);

  expect(firstDifference(await baseline, await grid.submit(wasmoon).result())).toBeUndefined();
  await expect.poll(() => stat(capable.page, "tasks-done"), { timeout: 10_000 }).toBeGreaterThan(0);
  expect(await stat(fengariOnly.page, "tasks-done")).toBe(0);
  expect(firstDifference(sweepResult(), await grid.submit(SWEEP).result())).toBeUndefined();
  await Promise.all([fengariOnly.context.close(), capable.context.close()]);
});

test("screenshots of the donor page at desktop and phone width", async ({ browser }) => {
  for (const [name, viewport] of [
    ["donor-desktop", { width: 1280, height: 800 }],
    ["donor-phone", { width: 390, height: 844 }],
  ] as const) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${grid.url}/`);
    await expect(page.getByTestId("toggle")).toBeEnabled();
    await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
    await context.close();
  }
});
