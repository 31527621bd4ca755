import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Frame, FrameLocator, Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { SWEEP, TestGrid } from "./support/grid.ts";

/*
 * Hostile host pages against the embed frame, in real Chromium against a real coordinator: a
 * site that frames the volunteer itself and posts "start" gets nothing running; only a real
 * click on Allow inside the frame starts it; Stop and withdrawal are kept in the frame; a site
 * cannot pose as another, fade the badge to trick a click, or frame the dashboard.
 */

test.describe.configure({ mode: "serial" });

const grid = new TestGrid();
let host: Server;
let hostUrl = "";

/** Pages of a site on another origin (localhost vs the grid's 127.0.0.1). */
function hostPage(path: string): string {
  const frameUrl = (claim: string) => `${grid.url}/embed-frame.html#host=${encodeURIComponent(claim)}&threads=2&cpu=100`;
  const shell = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>A host site</title></head><body style="font-family:sans-serif;margin:40px"><h1>Weather in Lisbon</h1>${body}</body></html>`;
  switch (path) {
    case "/snippet":
      return shell(`<script src="${grid.url}/embed.js" data-threads="1" data-cpu="100" async></script>`);
    case "/greedy":
      return shell(`<script src="${grid.url}/embed.js" data-threads="4" data-cpu="100" async></script>`);
    case "/forged":
      // Frames the volunteer without the loader and posts every "start" it can think of, forever.
      return shell(`<iframe id="f" src="${frameUrl(hostUrl)}" width="400" height="200"></iframe><script>
const f = document.getElementById("f");
const messages = [{ shoal: "start" }, { shoal: "show" }, { shoal: "allow" }, { shoal: "start", consent: true }, { shoal: "show", extra: 1 }, "start", null];
setInterval(() => { for (const m of messages) f.contentWindow.postMessage(m, "*"); }, 50);
</script>`);
    case "/liar":
      return shell(`<iframe id="f" src="${frameUrl(grid.url)}" width="400" height="200"></iframe>`);
    case "/faded":
      return shell(`<iframe id="f" src="${frameUrl(hostUrl)}" width="400" height="200" style="opacity:0.2"></iframe><p>Click here to win!</p>`);
    case "/frames-the-app":
      return shell(`<iframe id="dashboard" src="${grid.url}/dashboard" width="400" height="200"></iframe><iframe id="donor" src="${grid.url}/" width="400" height="200"></iframe>`);
    default:
      return shell("<p>nothing here</p>");
  }
}

test.beforeAll(async () => {
  await grid.start();
  host = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(hostPage(new URL(req.url ?? "/", "http://host").pathname));
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  hostUrl = `http://localhost:${(host.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  host.close();
  await grid.stop();
});

const peers = () => grid.metric("shoal_peers");

async function peerThreads(): Promise<number[]> {
  const response = await fetch(`${grid.url}/api/peers`, { headers: { Authorization: `Bearer ${grid.token}` } });
  return ((await response.json()) as Array<{ threads: number }>).map((p) => p.threads);
}

function embedFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().startsWith(`${grid.url}/embed-frame.html`));
  if (!frame) throw new Error("no embed frame");
  return frame;
}

/** The frame's badge, whether the loader made the iframe (inside its shadow root) or the page did. */
function badge(page: Page): FrameLocator {
  return page.frameLocator(`iframe[src^="${grid.url}/embed-frame.html"]`);
}

/** Stays true for `ms`: nothing the host does in that time may connect a volunteer. */
async function noPeersFor(ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    expect(await peers()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test("a site that frames the volunteer and posts start gets the prompt and nothing more; a real click on Allow starts it", async ({ page }) => {
  await page.goto(`${hostUrl}/forged`);
  const frame = badge(page);
  await expect(frame.getByRole("button", { name: "Allow" })).toBeVisible();
  await noPeersFor(2500);
  expect(await grid.metric("shoal_results_total")).toBe(0);
  expect(await embedFrame(page).evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toEqual([]);

  const size = await frame.getByRole("button", { name: "Allow" }).boundingBox();
  expect(size?.height).toBeGreaterThanOrEqual(44);
  expect((await frame.getByRole("button", { name: "No thanks" }).boundingBox())?.height).toBeGreaterThanOrEqual(44);
  await page.screenshot({ path: "e2e/screenshots/embed-hostile-prompt.png" });

  await frame.getByRole("button", { name: "Allow" }).click();
  await expect.poll(peers, { timeout: 20_000 }).toBe(1);
  await expect(frame.getByText("Shoal: running")).toBeVisible();
  await frame.getByRole("button", { name: "Withdraw consent" }).click();
  await expect.poll(peers, { timeout: 20_000 }).toBe(0);
});

test("with the snippet: Allow in the frame runs tasks; Stop is kept across reloads; withdrawing consent stops it and hides the badge", async ({ page }) => {
  await page.goto(`${hostUrl}/snippet`);
  const frame = badge(page);
  await frame.getByRole("button", { name: "Allow" }).click();
  await expect.poll(peers, { timeout: 20_000 }).toBe(1);
  await page.evaluate(() => {
    const w = window as unknown as { shoalStats: number[]; Shoal: { on: (t: string, l: (s: { tasksDone: number }) => void) => void } };
    w.shoalStats = [];
    w.Shoal.on("stats", (s) => w.shoalStats.push(s.tasksDone));
  });
  await grid.submit(SWEEP).result();
  await expect.poll(() => page.evaluate(() => Math.max(0, ...(window as unknown as { shoalStats: number[] }).shoalStats)), { timeout: 20_000 }).toBeGreaterThan(0);
  expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
  await page.screenshot({ path: "e2e/screenshots/embed-running.png" });

  await frame.getByRole("button", { name: "Stop" }).click();
  await expect.poll(peers, { timeout: 20_000 }).toBe(0);
  await page.reload();
  await expect(badge(page).getByText("Shoal: paused")).toBeVisible();
  await page.evaluate(() => (window as unknown as { Shoal: { show(): void } }).Shoal.show());
  await noPeersFor(1500);

  await badge(page).getByRole("button", { name: "Start" }).click();
  await expect.poll(peers, { timeout: 20_000 }).toBe(1);
  await badge(page).getByRole("button", { name: "Withdraw consent" }).click();
  await expect.poll(peers, { timeout: 20_000 }).toBe(0);
  await page.reload();
  await expect.poll(() => page.evaluate(() => document.body.lastElementChild?.shadowRoot?.querySelector("iframe")?.getBoundingClientRect().height)).toBe(0);
  await noPeersFor(1000);
  await page.evaluate(() => (window as unknown as { Shoal: { show(): void } }).Shoal.show());
  await expect(badge(page).getByRole("button", { name: "Allow" })).toBeVisible();
  expect(await peers()).toBe(0);
});

test("Stop pressed while the volunteer's code is still loading keeps it from starting", async ({ page }) => {
  await page.context().route(/\/assets\/browser-[^/]*\.js$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.goto(`${hostUrl}/snippet`);
  await badge(page).getByRole("button", { name: "Allow" }).click();
  await badge(page).getByRole("button", { name: "Stop" }).click();
  await expect(badge(page).getByText("Shoal: paused")).toBeVisible();
  await noPeersFor(3000);
});

test("on a phone the badge fits the screen and its buttons are at least 44 px tall", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await page.goto(`${hostUrl}/snippet`);
  for (const name of ["Allow", "No thanks"]) {
    const box = await badge(page).getByRole("button", { name }).boundingBox();
    expect(box?.height, name).toBeGreaterThanOrEqual(44);
    expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 360, name).toBe(true);
  }
  await page.screenshot({ path: "e2e/screenshots/embed-phone.png" });
  await context.close();
});

test("a site that raises data-threads after the visitor agreed gets no more than the prompt showed", async ({ page }) => {
  await page.goto(`${hostUrl}/snippet`);
  await expect(badge(page).getByText("Up to 1 thread at 100% CPU")).toBeVisible();
  await badge(page).getByRole("button", { name: "Allow" }).click();
  await expect.poll(peerThreads, { timeout: 20_000 }).toEqual([1]);
  await badge(page).getByRole("button", { name: "Stop" }).click();
  await expect.poll(peers, { timeout: 20_000 }).toBe(0);

  await page.goto(`${hostUrl}/greedy`);
  await badge(page).getByRole("button", { name: "Start" }).click();
  await expect.poll(peerThreads, { timeout: 20_000 }).toEqual([1]);
  await badge(page).getByRole("button", { name: "Withdraw consent" }).click();
  await expect.poll(peers, { timeout: 20_000 }).toBe(0);
});

test("a site that claims another origin in the frame's address gets no badge and cannot start it", async ({ page }) => {
  await page.goto(`${hostUrl}/liar`);
  await expect.poll(() => embedFrame(page).evaluate(() => document.querySelector(".b")?.hasAttribute("hidden"))).toBe(true);
  expect(await badge(page).getByRole("button").count()).toBe(0);
  await noPeersFor(1000);
});

test("a faded frame (a clickjacking lure) keeps Allow disabled, and a forced click starts nothing", async ({ page }) => {
  await page.goto(`${hostUrl}/faded`);
  const allow = badge(page).getByRole("button", { name: "Allow" });
  await expect(allow).toBeAttached();
  await page.waitForTimeout(500);
  await expect(allow).toBeDisabled();
  await allow.click({ force: true });
  await noPeersFor(1500);
  await page.evaluate(() => ((document.getElementById("f") as HTMLIFrameElement).style.opacity = "1"));
  await expect(allow).toBeEnabled();
});

test("nobody can frame the dashboard or the donor page", async ({ page }) => {
  await page.goto(`${hostUrl}/frames-the-app`);
  await page.waitForLoadState("load");
  for (const id of ["dashboard", "donor"]) {
    const frame = await (await page.$(`#${id}`))!.contentFrame();
    const title = await frame!.evaluate(() => document.title).catch(() => "blocked");
    expect(title, id).not.toMatch(/Shoal/);
  }
});

test("the donor page (on wasmoon), the dashboard and the embed run under their Content-Security-Policy without a violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => console.error(`Refused to load: CSP ${event.violatedDirective} ${event.blockedURI} ${location.href} ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`));
  });

  await page.goto(`${grid.url}/`);
  await page.getByTestId("toggle").click();
  await expect(page.getByTestId("state")).toContainText("Running", { timeout: 20_000 });
  await grid.submit([...SWEEP, "--engine", "wasmoon"]).result();
  await expect.poll(async () => Number(await page.getByTestId("tasks-done").textContent()), { timeout: 20_000 }).toBeGreaterThan(0);
  await page.screenshot({ path: "e2e/screenshots/csp-donor.png" });
  await page.getByTestId("toggle").click();

  await page.goto(`${grid.url}/dashboard/jobs`);
  await page.getByTestId("token").fill(grid.token);
  await page.getByTestId("sign-in").click();
  await page.getByRole("link", { name: "New job" }).first().click();
  await page.getByTestId("template-sma-crossover").click();
  await expect(page.locator(".cm-content")).toContainText("function map");
  await page.screenshot({ path: "e2e/screenshots/csp-dashboard.png" });

  await page.goto(`${hostUrl}/snippet`);
  await badge(page).getByRole("button", { name: "Allow" }).click();
  await expect.poll(peers, { timeout: 20_000 }).toBeGreaterThan(0);
  expect(violations).toEqual([]);
});
