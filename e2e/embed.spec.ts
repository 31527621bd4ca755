import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { SWEEP, TestGrid } from "./support/grid.ts";

/*
 * The embed snippet on a host page of another origin: a consent badge in an iframe on the
 * coordinator's origin, nothing before consent, the volunteer in that frame after it, and no way
 * for the host page into the grid's storage (where the consent is kept too).
 */

test.describe.configure({ mode: "serial" });

const grid = new TestGrid();
let host: Server;
let hostUrl = "";

test.beforeAll(async () => {
  await grid.start();
  host = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A host site</title></head>
<body style="font-family:sans-serif;margin:40px"><h1>Weather in Lisbon</h1><p>A site that embeds Shoal with one script tag.</p>
<script>window.shoalStats = []; window.addEventListener("load", () => window.Shoal && window.Shoal.on("stats", (s) => window.shoalStats.push(s)));</script>
<script src="${grid.url}/embed.js" data-threads="1" data-cpu="100" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  host.close();
  await grid.stop();
});

function peers(): Promise<number> {
  return grid.metric("shoal_peers");
}

test("the frame asks first; after consent the iframe volunteer completes tasks out of the host page's reach, and consent is remembered", async ({ page }) => {
  await page.goto(hostUrl);
  const badge = page.frameLocator(`iframe[src^="${grid.url}/embed-frame.html"]`);
  await expect(badge.getByText("Nothing runs unless you agree")).toBeVisible();
  await page.waitForTimeout(1000);
  expect(await peers()).toBe(0);
  await page.screenshot({ path: "e2e/screenshots/embed-consent.png" });

  await badge.getByRole("button", { name: "Allow" }).click();
  await expect.poll(peers, { timeout: 20_000 }).toBe(1);
  await page.evaluate(() => (window as unknown as { Shoal: { on: (t: string, l: (s: unknown) => void) => void } }).Shoal.on("stats", (s) => (window as unknown as { shoalStats: unknown[] }).shoalStats.push(s)));

  await grid.submit(SWEEP).result();
  await expect
    .poll(() => page.evaluate(() => Math.max(0, ...(window as unknown as { shoalStats: Array<{ tasksDone: number }> }).shoalStats.map((s) => s.tasksDone))), { timeout: 20_000 })
    .toBeGreaterThan(0);
  await expect(badge.getByText(/running · [1-9]\d* tasks/)).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/embed-running.png" });

  const reach = await page.evaluate(async () => {
    const iframe = [...document.body.children].map((e) => e.shadowRoot?.querySelector("iframe")).find(Boolean)!;
    const frame = iframe.contentWindow!;
    let storage = iframe.contentDocument === null ? "readable" : "document readable";
    try {
      void frame.localStorage.length;
    } catch (error) {
      storage = (error as Error).name;
    }
    const databases = (await indexedDB.databases()).map((d) => d.name);
    return { storage, databases, keys: Object.keys(localStorage) };
  });
  expect(reach.storage).toBe("SecurityError");
  expect(reach.databases).not.toContain("shoal-shards");
  expect(reach.keys).toEqual([]);

  await page.reload();
  await expect(badge.getByText("Shoal: running")).toBeVisible();
  await expect.poll(peers, { timeout: 20_000 }).toBe(1);
});
