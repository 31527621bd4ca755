import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import type { DonorStanding } from "@shoal/protocol";
import { ShoalProcess } from "../apps/cli/test/shoalProcess.ts";
import { SWEEP, TestGrid } from "./support/grid.ts";

/*
 * Credit in real Chromium against a real coordinator: two donor pages with names and a team, and
 * a lying `shoal worker`, share a replicas-2 quorum-2 job. The pages earn credit and see their
 * rank, the liar earns none, and the public leaderboard lists them, names as text only.
 */

test.describe.configure({ mode: "serial" });

const grid = new TestGrid();
const LIAR_KEY = "liar-key-0123456789-abcdefghijklmnopqrstuv";
const SHOTS = process.env.SHOAL_SCREENSHOTS;
let liar: ShoalProcess | undefined;
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
  await grid.start();
});

test.afterAll(async () => {
  await liar?.kill9();
  await grid.stop();
});

async function openDonor(browser: Browser, name: string, team: string): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${grid.url}/?transport=ws`);
  await expect(page.getByTestId("toggle")).toBeEnabled();
  await page.getByTestId("donor-name").fill(name);
  await page.getByTestId("donor-team").fill(team);
  await page.getByTestId("save-profile").click();
  await page.getByTestId("toggle").click();
  await expect(page.getByTestId("state")).toContainText("Running", { timeout: 20_000 });
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  for (const [width, height] of [[1280, 800], [390, 844]] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
}

test("two named donor pages earn credit for an accepted job, a lying volunteer none, and the leaderboard shows them", async ({ browser }) => {
  const ada = await openDonor(browser, "Ada", "Engines");
  const bob = await openDonor(browser, "<b>Bob</b>", "Engines");
  liar = new ShoalProcess(["worker", "--coordinator", grid.url, "--threads", "1", "--transport", "ws", "--status-every", "1h", "--donor-key", LIAR_KEY, "--lie"]);
  await liar.waitFor(/connected to the coordinator/);

  const job = grid.submit([...SWEEP, "--replicas", "2", "--quorum", "2"]);
  await job.result();

  for (const page of [ada, bob]) {
    await expect.poll(async () => Number((await page.getByTestId("my-credit").textContent())?.replace(/,/g, "")), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect(page.getByTestId("my-rank")).toHaveText(/^#[12]$/);
  }
  const liarStanding = (await (await fetch(`${grid.url}/api/donor`, { method: "POST", body: JSON.stringify({ key: LIAR_KEY }) })).json()) as DonorStanding;
  expect(liarStanding).toEqual({ credit: 0, results: 0 });
  await shoot(ada, "donor");

  // The credit moves with the key: another browser that takes Ada's key shows her name and credit.
  const credit = (page: Page) => async () => Number((await page.getByTestId("my-credit").textContent())?.replace(/,/g, ""));
  const adaKey = (await ada.getByTestId("donor-key").textContent()) ?? "";
  const adaStanding = (await (await fetch(`${grid.url}/api/donor`, { method: "POST", body: JSON.stringify({ key: adaKey }) })).json()) as DonorStanding;
  expect(adaStanding).toMatchObject({ name: "Ada", team: "Engines" });
  await expect.poll(credit(ada), { timeout: 20_000 }).toBe(adaStanding.credit);
  const moved = await (await browser.newContext()).newPage();
  contexts.push(moved.context());
  await moved.goto(`${grid.url}/?transport=ws`);
  await moved.locator("details.donor-key summary").click();
  await moved.getByTestId("other-key").fill("not a key");
  await expect(moved.getByTestId("use-key")).toBeDisabled();
  await moved.getByTestId("other-key").fill(adaKey);
  await moved.getByTestId("use-key").click();
  await expect(moved.getByTestId("donor-name")).toHaveValue("Ada", { timeout: 20_000 });
  await expect(moved.getByTestId("donor-team")).toHaveValue("Engines");
  await expect.poll(credit(moved), { timeout: 20_000 }).toBe(adaStanding.credit);
  await moved.locator("details.donor-key summary").click();
  await shoot(moved, "donor-key");

  const board = await (await browser.newContext()).newPage();
  const violations: string[] = [];
  board.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await board.goto(`${grid.url}/leaderboard`);
  const names = board.locator("table.board td.name");
  // Equal credit: the order between them is by public id, so compare as a set.
  await expect.poll(async () => (await names.allInnerTexts()).sort(), { timeout: 20_000 }).toEqual(["<b>Bob</b>", "Ada"]);
  await expect(board.locator("table.board td.name b")).toHaveCount(0);
  await board.getByTestId("board-teams").click();
  await expect(names).toHaveText(["Engines"]);
  await board.getByTestId("window-24h").click();
  await expect(names).toHaveText(["Engines"]);
  await board.getByTestId("board-donors").click();
  expect(violations).toEqual([]);
  await shoot(board, "leaderboard");
});

test("an embedding site that names itself earns its visitor's credit as a row bound to its origin, not under the visitor; a site claiming its name gets a row under its own origin", async ({ browser }) => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await liar?.kill9();
  const page = (heading: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A host site</title></head>
<body><h1>${heading}</h1><script src="${grid.url}/embed.js" data-site="Lisbon Weather" data-threads="1" data-cpu="100" async></script></body></html>`;
  const serve = async (heading: string, address: string) => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(page(heading));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, origin: `http://${address}:${(server.address() as AddressInfo).port}` };
  };
  // The real site, and an impostor on another origin whose snippet takes the same data-site.
  const host = await serve("Weather in Lisbon", "localhost");
  const impostor = await serve("Totally Lisbon Weather", "localhost");
  try {
    for (const site of [host, impostor]) {
      const visitor = await (await browser.newContext()).newPage();
      await visitor.goto(`${site.origin}/`);
      await visitor.frameLocator(`iframe[src^="${grid.url}/embed-frame.html"]`).getByRole("button", { name: "Allow" }).click();
    }
    const cleo = await openDonor(browser, "Cleo", "");
    // Three honest volunteers, three replicas and a quorum of three: every task needs, and credits, all three,
    // so each site's visitor surely earns (with a quorum of two the slowest page could be left out of every task).
    await grid.submit([...SWEEP, "--replicas", "3", "--quorum", "3"]).result();
    const sites = async () => ((await (await fetch(`${grid.url}/api/stats?board=sites`)).json()) as { rows: Array<{ name?: string; credit: number }> }).rows;
    const names = [`Lisbon Weather (${impostor.origin})`, `Lisbon Weather (${host.origin})`].sort();
    await expect.poll(async () => (await sites()).map((r) => r.name).sort(), { timeout: 20_000 }).toEqual(names);
    for (const row of await sites()) expect(row.credit).toBeGreaterThan(0);
    await expect.poll(async () => Number((await cleo.getByTestId("my-credit").textContent())?.replace(/,/g, "")), { timeout: 20_000 }).toBeGreaterThan(0);
    const board = await (await browser.newContext()).newPage();
    await board.goto(`${grid.url}/leaderboard`);
    await board.getByTestId("board-sites").click();
    await expect(board.locator("table.board td.name")).toHaveCount(2);
    // Equal credit, equal rank: the two rows may come in either order.
    expect((await board.locator("table.board td.name").allTextContents()).sort()).toEqual(names);
    // The visitors earn nothing under themselves: the donors board is Ada, Bob and Cleo only.
    await board.getByTestId("board-donors").click();
    await expect(board.locator("table.board td.name")).toContainText(["Cleo"]);
    await expect(board.locator("table.board td.name")).toHaveCount(3);
    await shoot(board, "leaderboard-sites");
  } finally {
    host.server.close();
    impostor.server.close();
  }
});
