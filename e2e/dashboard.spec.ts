import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { firstDifference, runShoal, TestGrid } from "./support/grid.ts";
import { startDonor } from "./support/startDonor.ts";

/*
 * The job-author dashboard in real Chromium against a real coordinator process, driven through
 * its UI only: sign in, upload the sample, run the SMA template on two donor pages, compare the
 * downloaded CSV with `shoal run`, see Lua errors on their line, cancel a job.
 */

test.describe.configure({ mode: "serial" });

/** What the SMA-crossover template's header asks for; the dashboard fills its form from it. */
const TEMPLATE_RUN = ["examples/sma-crossover.lua", "--data", "public/datasets/sp500.csv", "--param", "fast=5,10,20,50", "--param", "slow=50,100,150,200", "--split", "rows=500", "--halo", "250"];
const SHOTS = "e2e/screenshots";

const grid = new TestGrid();
let expectedText: Promise<string>;
let expected: Promise<{ runs: Record<string, number>[] }>;
let dashboard: BrowserContext;
let page: Page;
const donors: BrowserContext[] = [];

async function openDonor(browser: Browser): Promise<BrowserContext> {
  return (await startDonor(browser, grid.url)).context();
}

/** Replaces the editor's text the way a person would: focus, select all, type. */
async function typeScript(script: string): Promise<void> {
  await page.locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(script);
}

async function submitJob(): Promise<string> {
  await page.getByTestId("submit").click();
  // Submit runs the script's top level in the coordinator's probe thread first: seconds on a loaded machine.
  await expect(page).toHaveURL(/\/dashboard\/jobs\/j_[0-9a-f]+$/, { timeout: 20_000 });
  return page.url().split("/").at(-1)!;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/dashboard-${name}.png`, fullPage: true });
}

test.beforeAll(async ({ browser }) => {
  expectedText = runShoal(["run", ...TEMPLATE_RUN, "--threads", "1"]).then((run) => {
    if (run.code !== 0) throw new Error(run.stderr);
    return run.stdout;
  });
  expected = expectedText.then((text) => JSON.parse(text) as { runs: Record<string, number>[] });
  await grid.start();
  dashboard = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
  page = await dashboard.newPage();
});

test.afterAll(async () => {
  await Promise.all([dashboard?.close(), ...donors.map((d) => d.close())]);
  await grid.stop();
});

test("sign-in refuses a wrong token with a clear message and keeps the right one", async () => {
  await page.goto(`${grid.url}/dashboard/jobs`);
  await page.getByTestId("token").fill("not-the-token");
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("signin-error")).toContainText("refused this token (HTTP 401)");
  await shot("signin");
  await page.getByTestId("token").fill(grid.token);
  await page.getByTestId("sign-in").click();
  await expect(page.getByRole("heading", { name: "Jobs" })).toBeVisible();
  await expect(page.getByTestId("notice-empty")).toContainText("No jobs yet");
  await page.reload();
  await expect(page.getByRole("heading", { name: "Jobs" })).toBeVisible();
  const stale = await dashboard.newPage();
  await stale.goto(`${grid.url}/dashboard/peers`);
  await stale.evaluate(() => localStorage.setItem("shoal.authorToken", "revoked"));
  await stale.reload();
  await expect(stale.getByRole("alert")).toContainText("refused this token (HTTP 401)");
  await stale.getByTestId("token").fill(grid.token);
  await stale.getByTestId("sign-in").click();
  await expect(stale.getByRole("heading", { name: "Peers" })).toBeVisible();
  await stale.close();
});

test("uploads the sample with progress, lists it and previews a series from its shard", async () => {
  await page.getByRole("link", { name: "Datasets" }).click();
  await expect(page.getByTestId("notice-empty")).toContainText("No datasets yet");
  await page.getByTestId("dataset-file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("date,close\n2020-01-01,1\n2020-01-02,oops\n") });
  await page.getByTestId("upload").click();
  await expect(page.getByTestId("upload-error")).toHaveText(/^line 3: column "close"/);
  await page.getByTestId("dataset-file").setInputFiles("public/datasets/sp500.csv");
  await expect(page.getByTestId("dataset-name")).toHaveValue("sp500");
  await page.getByTestId("upload").click();
  await expect(page.getByTestId("upload-done")).toContainText("Uploaded sp500: 1 series, 5105 rows");
  await expect(page.getByTestId("datasets-table")).toContainText("sp500");
  await shot("datasets");
  await page.getByRole("link", { name: "sp500", exact: true }).click();
  await expect(page.getByTestId("preview-chart").locator("canvas")).toBeVisible();
  await expect(page.getByTestId("preview-table")).toContainText("2000-01-03");
  await expect(page.getByTestId("preview-table")).toContainText("1455.22");
  await shot("dataset-preview");
});

test("the SMA template runs on two donor pages to 100 %, with a heatmap, and its CSV equals shoal run", async ({ browser }) => {
  donors.push(...(await Promise.all([openDonor(browser), openDonor(browser)])));
  await page.getByRole("link", { name: "New job" }).first().click();
  await page.getByTestId("template-sma-crossover").click();
  await expect(page.getByTestId("dataset-select")).toHaveValue(/^d_/);
  await expect(page.getByTestId("params")).toHaveValue("fast=5,10,20,50\nslow=50,100,150,200");
  await expect(page.getByTestId("task-count")).toContainText("16 points × 11 slices → 11 map tasks (+ 12 reduce)");
  await shot("new-job");
  await submitJob();
  await expect(page.getByTestId("job-progress")).toContainText("100 %", { timeout: 90_000 });
  await expect(page.getByTestId("job-status")).toHaveText("done");
  await expect(page.getByTestId("heatmap")).toBeVisible();
  await expect(page.getByTestId("heatmap-cell")).toHaveCount(16);
  await expect(page.getByTestId("metric-select")).toHaveValue("sharpe");
  await expect(page.getByTestId("run-command")).toHaveText(`npx shoal run job.lua --data sp500.csv ${TEMPLATE_RUN.slice(3).join(" ")}`);
  await expect(page.getByTestId("result-summary")).toContainText(/best(?=.*fast 5\b)(?=.*slow 200\b)(?=.*sharpe 0\.49)/);
  await shot("job-done");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-csv").click()]);
  expect(download.suggestedFilename()).toMatch(/^j_[0-9a-f]+-runs\.csv$/);
  const [header, ...lines] = readFileSync(await download.path(), "utf8").trimEnd().split("\n");
  const columns = header!.split(",");
  const rows = lines.map((line) => Object.fromEntries(line.split(",").map((cell, i) => [columns[i]!, Number(cell)])));
  const { runs } = await expected;
  expect(rows).toHaveLength(16);
  expect(firstDifference(runs, rows)).toBeUndefined();
  const [json] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-json").click()]);
  // Both canonical JSON: the download is byte for byte what shoal run prints.
  expect(readFileSync(await json.path(), "utf8")).toBe(await expectedText);
});

test("a syntax error is marked on its line before anything runs", async () => {
  await page.getByRole("link", { name: "New job" }).first().click();
  await typeScript("function map(series, p)\n  local x = 1\n  return x +\nend\n");
  await page.getByTestId("check").click();
  await expect(page.getByTestId("job-error")).toHaveText(/^job\.lua:4: /);
  await expect(page.locator(".cm-errorLine")).toHaveAttribute("data-error-line", "4");
  await expect(page.locator(".cm-errorLine")).toHaveText("end");
  await expect(page.locator(".cm-gutterElement.cm-errorGutter")).toHaveText("4");
  await typeScript("function map(series, p)\n  local y = {\n  return y\nend\n");
  await page.getByTestId("submit").click();
  await expect(page.getByTestId("job-error")).toHaveText(/^job\.lua:\d: /);
  await expect(page.locator(".cm-errorLine")).toHaveCount(1);
  expect(page.url()).toMatch(/\/jobs\/new$/);
});

test("a job past the coordinator's limits is refused on the form, naming the limit and the job's figure", async () => {
  await typeScript("function map(series, p)\n  return p.w\nend\n");
  await page.getByTestId("params").fill(`w=${Array.from({ length: 300 }, (_, i) => i).join(",")}`);
  await page.getByTestId("split").fill("rows=1");
  await page.getByTestId("batch-size").fill("1");
  await page.getByTestId("submit").click();
  await expect(page.getByTestId("job-error")).toContainText("this job would plan 1,531,500 tasks (5,105 slices of the data × 300 points); the limit is 100,000 per job");
  expect(page.url()).toMatch(/\/jobs\/new$/);
  await page.getByTestId("batch-size").fill("16");
});

test("a runtime error fails the job and shows its traceback and line", async () => {
  await typeScript("function map(series, p)\n  local x = nil\n  return x.field\nend\n");
  await page.getByTestId("params").fill("");
  await page.getByTestId("split").fill("none");
  await submitJob();
  await expect(page.getByTestId("job-status")).toHaveText("failed", { timeout: 60_000 });
  await expect(page.getByTestId("job-error-message")).toContainText("job.lua:3: attempt to index a nil value");
  await expect(page.getByTestId("traceback")).toContainText("job.lua:3");
  await expect(page.locator(".cm-errorLine")).toHaveAttribute("data-error-line", "3");
  await expect(page.locator(".cm-errorLine")).toHaveText("  return x.field");
  await shot("job-failed");
  await page.getByTestId("edit-job").click();
  await expect(page).toHaveURL(/\/dashboard\/jobs\/new\?from=j_/);
  await expect(page.getByTestId("job-error")).toHaveText(/^job\.lua:3: attempt to index a nil value/);
  await expect(page.locator(".cm-errorLine")).toHaveAttribute("data-error-line", "3");
  await expect(page.getByTestId("split")).toHaveValue("none");
});

test("Cancel stops a running job, and the donors go on to finish the next one, on the wasmoon engine", async () => {
  await page.getByRole("link", { name: "New job" }).first().click();
  await typeScript("function map(series, p)\n  local x = 0\n  for i = 1, 1e6 do x = x + i % 7 end\n  return { key = series.key, p = p.n, x = x }\nend\n");
  await page.getByTestId("split").fill("rows=250");
  await page.getByTestId("halo").fill("0");
  await page.getByTestId("params").fill("n=1");
  await expect(page.getByTestId("task-count")).toContainText("1 point × 21 slices → 21 map tasks");
  await page.getByTestId("params").fill("n=1,2,3,4");
  await expect(page.getByTestId("task-count")).toContainText("4 points × 21 slices → 21 map tasks");
  await expect(page.getByTestId("task-count")).not.toContainText("reduce");
  const slow = await submitJob();
  await expect(page.getByTestId("job-status")).toHaveText("running", { timeout: 30_000 });
  await expect(page.getByTestId("job-peers")).toContainText(/^[12] \(/, { timeout: 10_000 });
  await expect(page.getByTestId("job-progress")).toContainText(/ [1-9]\d*\/21 tasks/, { timeout: 60_000 });
  await expect(page.getByTestId("throughput")).toHaveText(/^\d+\.\d tasks\/s$/);
  await shot("job-running");
  await page.getByTestId("cancel").click();
  await expect(page.getByTestId("job-status")).toHaveText("cancelled");
  await expect(page.getByTestId("cancel")).toHaveCount(0);

  await page.getByRole("link", { name: "New job" }).first().click();
  await page.getByTestId("template-volatility-regimes").click();
  await page.getByTestId("engine").selectOption("wasmoon");
  const next = await submitJob();
  await expect(page.getByTestId("job-status")).toHaveText("done", { timeout: 60_000 });
  await expect(page.getByTestId("run-command")).toContainText("--engine wasmoon");
  await expect(page.getByTestId("line-chart").locator("canvas")).toBeVisible();
  await shot("job-line-chart");

  await page.getByRole("link", { name: "Jobs", exact: true }).click();
  const table = page.getByTestId("jobs-table");
  await expect(table.locator("tr", { hasText: slow })).toContainText("cancelled");
  await expect(table.locator("tr", { hasText: next })).toContainText("done");
  await shot("jobs");
  await page.getByRole("link", { name: "Peers" }).click();
  await expect(page.getByTestId("peers-table").locator("tbody tr")).toHaveCount(2);
  await shot("peers");
});

test("a job on wasmoon, budget off, 1 of 2 replicas agreeing, a seed and a deadline, runs on the donors and reopens with those options", async () => {
  await page.getByRole("link", { name: "New job" }).first().click();
  await page.getByTestId("template-sma-crossover").click();
  await page.getByTestId("engine").selectOption("wasmoon");
  await expect(page.getByTestId("engine-hint")).toContainText("Lua 5.4 in WebAssembly");
  await expect(page.getByTestId("engine-hint")).toContainText("2 of 2 connected donors do now.");
  await page.getByTestId("budget").fill("999");
  await expect(page.getByTestId("budget-hint")).toHaveText('budget "999": expected a whole number of instructions from 1000 to 1e12, or off');
  await page.getByTestId("budget").fill("off");
  await expect(page.getByTestId("budget-hint")).toContainText("no countdown checks, so wasmoon runs at about");
  await page.getByTestId("replicas").selectOption("2");
  await page.getByTestId("quorum").selectOption("1");
  await page.getByTestId("seed").fill("7");
  await page.getByTestId("deadline").fill("2h");
  await page.getByTestId("submit").click();
  await expect(page.getByTestId("job-error")).toHaveText('deadline "2h": expected a duration from 100ms to 1h, e.g. 2m');
  await page.getByTestId("deadline").fill("2m");
  const id = await submitJob();
  await expect(page.getByTestId("job-facts")).toContainText("wasmoon, map + reduce, replicas 2 / quorum 1, seed 7, deadline 2m per task");
  await expect(page.getByTestId("job-status")).toHaveText("done", { timeout: 90_000 });
  await expect(page.getByTestId("run-command")).toContainText("--engine wasmoon --budget off --deadline 2m --seed 7");
  // The same best point as on fengari; Lua 5.4 iterates the result table's keys in another order.
  await expect(page.getByTestId("result-summary")).toContainText(/best(?=.*fast 5\b)(?=.*slow 200\b)(?=.*sharpe 0\.49)/);
  await page.getByTestId("edit-job").click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/jobs/new\\?from=${id}$`));
  await expect(page.getByTestId("engine")).toHaveValue("wasmoon");
  await expect(page.getByTestId("budget")).toHaveValue("off");
  await expect(page.getByTestId("replicas")).toHaveValue("2");
  await expect(page.getByTestId("quorum")).toHaveValue("1");
  await expect(page.getByTestId("seed")).toHaveValue("7");
  await expect(page.getByTestId("deadline")).toHaveValue("2m");
  // "New job" from there is a fresh form, not the reopened job.
  await page.getByRole("link", { name: "New job" }).first().click();
  await expect(page).toHaveURL(/\/dashboard\/jobs\/new$/);
  await expect(page.getByTestId("engine")).toHaveValue("fengari");
  await expect(page.getByTestId("replicas")).toHaveValue("1");
  await expect(page.getByTestId("seed")).toHaveValue("0");
  await expect(page.getByTestId("deadline")).toHaveValue("");
});

test("deep links load, and the pages fit a phone", async ({ browser }) => {
  const jobs = page.getByTestId("jobs-table");
  await page.getByRole("link", { name: "Jobs", exact: true }).click();
  const done = await jobs.locator("tr", { hasText: "done" }).last().getByRole("link").getAttribute("href");
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await dashboard.storageState() });
  const small = await phone.newPage();
  await small.goto(`${grid.url}${done}`);
  await expect(small.getByTestId("heatmap")).toBeVisible();
  await small.screenshot({ path: `${SHOTS}/dashboard-phone-job.png`, fullPage: true });
  expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await small.goto(`${grid.url}/dashboard/jobs/new`);
  await expect(small.getByTestId("lua-editor")).toBeVisible();
  await small.screenshot({ path: `${SHOTS}/dashboard-phone-new-job.png`, fullPage: true });
  expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await phone.close();
});

test("on a fresh grid the SMA sweep is two clicks: its template, then Submit (the bundled sample is uploaded)", async ({ browser }) => {
  const fresh = new TestGrid();
  await fresh.start();
  const context = await browser.newContext();
  try {
    const author = await context.newPage();
    await author.goto(`${fresh.url}/dashboard/jobs/new`);
    await author.getByTestId("token").fill(fresh.token);
    await author.getByTestId("sign-in").click();
    await expect(author.getByTestId("dataset-select")).toHaveValue("sample");
    await author.getByTestId("template-sma-crossover").click();
    await author.getByTestId("submit").click();
    await expect(author).toHaveURL(/\/dashboard\/jobs\/j_[0-9a-f]+$/, { timeout: 20_000 });
    await expect(author.getByTestId("job-status")).toHaveText("queued");
    await expect(author.getByTestId("job-facts")).toContainText("sp500 (1 series, 5105 rows)");
  } finally {
    await context.close();
    await fresh.stop();
  }
});
