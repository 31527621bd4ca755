import type { Browser, Page } from "@playwright/test";
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

test.beforeAll(async () => {
  await grid.start();
});

test.afterAll(async () => {
  await liar?.kill9();
  await grid.stop();
});

async function openDonor(browser: Browser, name: string, team: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
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

  const board = await (await browser.newContext()).newPage();
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
  await shoot(board, "leaderboard");
});
