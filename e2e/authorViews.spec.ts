import type { Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { firstDifference, shoalRunResult, SWEEP, TestGrid } from "./support/grid.ts";

/*
 * What a job author sees beyond a job's own page, in real Chromium against a real coordinator
 * and a real `shoal worker`: the no-volunteer hint, the unset-parameter warning, a Lua error one
 * volunteer reports shown before its quorum confirms it, the peers page, and two runs compared.
 */

test.describe.configure({ mode: "serial" });

const SHOTS = "e2e/screenshots";
const grid = new TestGrid();
let page: Page;

test.beforeAll(async ({ browser }) => {
  await grid.start();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  await page.addInitScript((token) => localStorage.setItem("shoal.authorToken", token), grid.token);
});

test.afterAll(async () => {
  await page?.context().close();
  await grid.stop();
});

async function typeScript(script: string): Promise<void> {
  await page.locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(script);
}

test("with no volunteer, the form says nothing runs and how to add one; a p.NAME without values is warned of by Submit without blocking it", async () => {
  await page.goto(`${grid.url}/dashboard/jobs/new`);
  await expect(page.getByTestId("volunteer-hint")).toContainText("No volunteer is connected, so nothing runs yet.");
  await expect(page.getByTestId("volunteer-hint")).toContainText("npx shoal worker --coordinator");
  await typeScript("-- Window sweep\nfunction map(series, p)\n  return { key = series.key, w = p.window, f = p.fast }\nend\n");
  await page.getByTestId("params").fill("fast=5,10");
  await expect(page.getByTestId("unset-params")).toHaveText("The script reads p.window, but it has no values in Parameters, so it is nil. Add a line such as window=1,2.");
  await page.getByTestId("params").fill("fast=5,10\nwindow=20");
  await expect(page.getByTestId("unset-params")).toHaveCount(0);
  await page.getByTestId("params").fill("");
  await expect(page.getByTestId("unset-params")).toContainText("p.window, p.fast");
  await page.screenshot({ path: `${SHOTS}/author-unset-params.png`, fullPage: true });
  await page.getByTestId("split").fill("none");
  await page.getByTestId("submit").click();
  // Submit runs the script's top level in the coordinator's probe thread first: seconds on a loaded machine.
  await expect(page).toHaveURL(/\/dashboard\/jobs\/j_[0-9a-f]+$/, { timeout: 20_000 });
  await expect(page.getByTestId("volunteer-hint")).toContainText("No volunteer is connected");
  await page.goto(`${grid.url}/dashboard/peers`);
  await expect(page.getByTestId("volunteer-hint")).toContainText("No volunteer is connected");
});

test("a Lua error from the one volunteer of a quorum-2 job is shown at once, before a second confirms it", async () => {
  const script = grid.script("nil.lua", "-- Nil index\nfunction map(series, p)\n  local x = nil\n  return x.field\nend\n");
  grid.submit([script, "--data", "public/datasets/sp500.csv", "--replicas", "2", "--quorum", "2"]);
  await grid.worker(["--threads", "1"]);
  await page.goto(`${grid.url}/dashboard/jobs`);
  await page.getByRole("link", { name: "Nil index" }).click();
  await expect(page.getByTestId("unconfirmed-error")).toContainText("Error reported by 1 volunteer, confirming (2 needed):", { timeout: 60_000 });
  await expect(page.getByTestId("unconfirmed-error")).toContainText("job.lua:4: attempt to index a nil value");
  await expect(page.getByTestId("job-status")).toHaveText("running");
});

test("the peers page shows the Node worker, its measured speed and tasks; two runs compare equal across engines and differ where they differ", async () => {
  const fengari = await grid.submit(SWEEP).result();
  const wasmoon = await grid.submit([...SWEEP, "--engine", "wasmoon"]).result();
  const other = await grid.submit([...SWEEP.slice(0, 4), "fast=5,30", ...SWEEP.slice(5)]).result();
  expect(firstDifference(await shoalRunResult(), fengari)).toBeUndefined();
  expect(firstDifference(wasmoon, other)).toBeDefined();

  await page.goto(`${grid.url}/dashboard/peers`);
  await expect(page.getByTestId("peer-runtime")).toHaveText(["Node"]);
  await expect(page.getByTestId("peer-speed")).toHaveText(/^\d+(\.\d)? tasks?\/min · \d+(\.\d)? m?s each$/);

  await page.goto(`${grid.url}/dashboard/jobs`);
  const picks = page.getByTestId("compare-pick");
  await expect(picks).toHaveCount(5);
  await expect(page.getByRole("link", { name: "Compare the two" })).toHaveCount(0);
  // Newest first: the fast=5,30 run, wasmoon, fengari, then the two jobs of the tests above.
  await picks.nth(1).check();
  await picks.nth(2).check();
  await page.getByRole("link", { name: "Compare the two" }).click();
  await expect(page).toHaveURL(/\/dashboard\/compare\/j_[0-9a-f]+\/j_[0-9a-f]+$/);
  await expect(page.getByTestId("compare-verdict")).toHaveText("The results are equal (as canonical JSON).");
  await expect(page.getByTestId("compare-table")).toContainText("wasmoon");
  await expect(page.getByTestId("compare-table")).toContainText("fengari");
  // Both ended, so the counts come from the task history: the one Node worker ran every task of each.
  await expect(page.getByTestId("compare-volunteers")).toHaveText(["1 with results taken (1 ran tasks)", "1 with results taken (1 ran tasks)"]);
  await page.screenshot({ path: `${SHOTS}/author-compare-equal.png`, fullPage: true });
  await page.getByTestId("compare-table").getByRole("link").first().click();
  await expect(page.getByTestId("job-volunteers")).toHaveText("1 with results taken (1 ran tasks)");
  await page.screenshot({ path: `${SHOTS}/author-job-volunteers.png` });

  await page.goto(`${grid.url}/dashboard/jobs`);
  await picks.nth(0).check();
  await picks.nth(2).check();
  await page.getByRole("link", { name: "Compare the two" }).click();
  await expect(page.getByTestId("compare-verdict")).toContainText("The results differ first at $.");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/author-compare-differ-phone.png`, fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);

  await page.goto(`${grid.url}/dashboard/compare/j_nope/j_missing`);
  await expect(page.getByTestId("notice-error")).toContainText("Cannot load both jobs");
  await page.goto(`${grid.url}/dashboard/compare/j_1`);
  await expect(page.getByTestId("notice-error")).toContainText("There is no dashboard page at /dashboard/compare/j_1");
});
