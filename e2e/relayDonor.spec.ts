import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import type { Coturn } from "../packages/worker/src/node/testing/startCoturn.ts";
import { startCoturn } from "../packages/worker/src/node/testing/startCoturn.ts";
import { firstDifference, shoalRunResult, SWEEP, TestGrid } from "./support/grid.ts";

/*
 * Donor pages behind a strict NAT, played by `?relay=only` (their shard peers use only TURN
 * relays, iceTransportPolicy "relay"), on a coordinator started with --ice-servers and
 * --turn-secret-file and a real coturn on 127.0.0.1. Both ends relay-only: Chromium's host
 * addresses need not be reachable from the relay. The newcomer gets its shards from the holder
 * through coturn, and the coordinator's shard route serves no byte for it.
 */

test.describe.configure({ mode: "serial" });

let coturn: Coturn;
const grid = new TestGrid();
let expected: unknown;

async function openDonor(browser: Browser, query = "?relay=only"): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${grid.url}/${query}`);
  await expect(page.getByTestId("toggle")).toBeEnabled();
  await page.getByTestId("toggle").click();
  await expect(page.getByTestId("state")).toContainText("Running", { timeout: 20_000 });
  return { context, page };
}

const stat = async (page: Page, id: string) => Number(await page.getByTestId(id).textContent());

const peers = async () => (await (await fetch(`${grid.url}/api/peers`, { headers: { authorization: `Bearer ${grid.token}` } })).json()) as Array<{ id: string; reach?: string }>;
const reaches = async () => (await peers()).map((peer) => peer.reach ?? "unknown").sort();
const peerIds = async () => (await peers()).map((peer) => peer.id);

test.beforeAll(async () => {
  const baseline = shoalRunResult();
  coturn = await startCoturn({ port: 8213, minPort: 49321, maxPort: 49340 });
  const iceFile = join(grid.dataDir, "ice.json");
  writeFileSync(iceFile, JSON.stringify([{ urls: coturn.url }]));
  const secretFile = join(grid.dataDir, "turn.secret");
  writeFileSync(secretFile, coturn.secret);
  await grid.start(["--ice-servers", iceFile, "--turn-secret-file", secretFile]);
  expected = await baseline;
});
test.afterAll(async () => {
  await grid.stop();
  await coturn?.close();
});

test("a relay-only donor page runs a job as shoal run does and gets its shards from another relay-only page through coturn, none from the coordinator", async ({ browser }) => {
  const holder = await openDonor(browser);
  expect(firstDifference(expected, await grid.submit(SWEEP).result())).toBeUndefined();
  const served = await grid.metric("shoal_shard_bytes_served_total");
  expect(served).toBeGreaterThan(0);

  const newcomer = await openDonor(browser);
  await expect.poll(reaches, { timeout: 30_000 }).toEqual(["relay-only", "relay-only"]);
  // Two replicas on distinct peers, with two peers: the newcomer runs every task, with shards it lacks.
  expect(firstDifference(expected, await grid.submit([...SWEEP, "--replicas", "2", "--quorum", "2"]).result())).toBeUndefined();
  expect(await stat(newcomer.page, "tasks-done")).toBeGreaterThan(0);
  expect(await stat(newcomer.page, "shards-peer")).toBeGreaterThan(0);
  expect(await grid.metric("shoal_shard_bytes_served_total")).toBe(served);
  // Both pages allocated relays on coturn under their own credentials (`<expiry>:<peer id>`).
  for (const id of await peerIds()) expect(coturn.log()).toContain(`:${id}`);
  await Promise.all([holder.context.close(), newcomer.context.close()]);
});

test("?relay= with any value but only is ignored: the page is reachable directly", async ({ browser }) => {
  const donor = await openDonor(browser, `?relay=${encodeURIComponent("only<script>")}&relay=all`);
  await expect.poll(reaches, { timeout: 30_000 }).toEqual(["direct"]);
  await donor.context.close();
});
