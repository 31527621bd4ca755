import { readFileSync } from "node:fs";
import type { BrowserContext, Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { TestGrid } from "./support/grid.ts";

/*
 * A live job from the dashboard in real Chromium against a real coordinator and two Node
 * volunteers: submit the quant SMA sweep with the Live toggle, append bars through the API, and
 * see the job page show version 2 then 3 in place — no reload, scroll kept — then stop it. The Live
 * toggle is off until a dataset on the coordinator is picked.
 */

const SHOTS = "e2e/screenshots";
const HEADER = "date,open,high,low,close,adjclose,volume\n";
const BARS = ["2020-04-20,2845.62,2868.98,2820.43,2823.16,2823.16,5220160000\n", "2020-04-21,2784.81,2785.54,2727.10,2736.56,2736.56,5075830000\n"];

const grid = new TestGrid();
let context: BrowserContext;
let page: Page;
let dataset = "";

async function api(method: string, path: string, body?: string): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${grid.token}` };
  if (body !== undefined) headers["Content-Type"] = "text/csv";
  return fetch(`${grid.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

test.beforeAll(async () => {
  await grid.start();
  await Promise.all([grid.worker(["--threads", "1", "--transport", "ws", "--status-every", "1h"]), grid.worker(["--threads", "1", "--transport", "ws", "--status-every", "1h"])]);
  const uploaded = await api("POST", "/api/datasets?name=sp500-live", readFileSync("public/datasets/sp500.csv", "utf8"));
  expect(uploaded.status).toBe(201);
  dataset = ((await uploaded.json()) as { id: string }).id;
});

test.afterAll(async () => {
  await context?.close();
  await grid.stop();
});

test("a live job submitted from the dashboard shows each appended version in place, then stops", async ({ browser }) => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await page.goto(`${grid.url}/dashboard/jobs/new`);
  await page.getByTestId("token").fill(grid.token);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("template-quant-sma-sweep").click();
  // The bundled sample is not on the coordinator yet: a live job needs a dataset appends can reach.
  await expect(page.getByTestId("dataset-select")).toHaveValue("sample");
  await expect(page.getByTestId("live")).toBeDisabled();
  await page.getByTestId("dataset-select").selectOption(dataset);
  await page.getByTestId("params").fill("fast=5,20\nslow=50,150");
  await expect(page.getByTestId("live")).toBeEnabled();
  await page.getByTestId("live").check();
  await page.getByTestId("submit").click();
  // The coordinator probes the script before it answers: seconds on a loaded machine.
  await expect(page).toHaveURL(/\/dashboard\/jobs\/j_[0-9a-f]+$/, { timeout: 60_000 });
  const first = page.url().split("/").at(-1)!;

  await expect(page.getByTestId("live-panel")).toBeVisible();
  await expect(page.getByTestId("live-version")).toHaveText("1", { timeout: 90_000 });
  await expect(page.getByTestId("live-state")).toContainText("Waiting for the next append");
  await expect(page.getByTestId("live-reused")).toHaveText(/^0 of \d+ tasks$/);
  await expect(page.getByTestId("result-summary")).toContainText("sharpe");
  // A reload would lose this mark: it proves the versions below arrive in the same page.
  await page.evaluate(() => Object.assign(window, { shoalLiveMark: "same page" }));
  await page.getByTestId("result-table").scrollIntoViewIfNeeded();
  await expect(page.getByTestId("result-table")).toBeInViewport();

  let latest = dataset;
  for (const [i, bar] of BARS.entries()) {
    const appended = await api("POST", `/api/datasets/${latest}/append`, HEADER + bar);
    expect(appended.status).toBe(201);
    latest = ((await appended.json()) as { id: string }).id;
    await expect(page.getByTestId("live-version")).toHaveText(String(i + 2), { timeout: 90_000 });
    await expect(page.getByTestId("live-job")).not.toHaveText(first);
    const reused = /^(\d+) of (\d+) tasks$/.exec((await page.getByTestId("live-reused").textContent()) ?? "");
    expect(Number(reused?.[1])).toBeGreaterThan(0);
    await expect(page.getByTestId("live-versions").locator("tbody tr")).toHaveCount(i + 2);
    // The best parameters' equity curve is redrawn for each version, its last point the appended bar.
    await expect(page.getByTestId("live-equity-caption")).toContainText(`version ${i + 2}:`);
    const job = (await page.getByTestId("live-job").textContent())!;
    const result = (await (await api("GET", `/api/jobs/${job}/result`)).json()) as { best: { equity: { time: number[]; equity: number[] } } };
    expect(result.best.equity.time.at(-1)).toBe(Date.parse(`${bar.slice(0, 10)}T00:00:00Z`));
    expect(result.best.equity.time.length).toBeLessThanOrEqual(129);
    await expect(page.getByTestId("live-equity-caption")).toContainText(`${result.best.equity.time.length} points`);
  }
  await expect(page.getByTestId("live-equity-chart").locator("canvas")).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { shoalLiveMark?: string }).shoalLiveMark)).toBe("same page");
  // Charts grew above it (the browser's scroll anchor follows them), and the page never went back to its top.
  await expect(page.getByTestId("result-table")).toBeInViewport();
  await expect(page.getByTestId("live-metric-chart")).toBeVisible();
  // The progress bar, its stats and the task table follow version 3's job, not the chain's first.
  const newest = (await page.getByTestId("live-job").textContent())!;
  await expect(page.getByTestId("progress-version")).toHaveText(`Version 3 · job ${newest} (done)`);
  await expect(page.getByTestId("job-reused")).toHaveText(/^[1-9]\d* of \d+ tasks$/);
  const tasks = page.waitForRequest((request) => request.url().includes(`/api/jobs/${newest}/tasks`));
  await page.getByTestId("task-list").locator("summary").click();
  await tasks;
  await expect(page.getByTestId("task-row").first()).toBeVisible();
  // Tasks version 3 took from the memo show as reused, with no attempt, never as unfinished.
  const reusedRows = page.locator('[data-testid="task-row"][data-state="reused"]');
  await expect(reusedRows.first()).toBeVisible();
  await expect(reusedRows.first().locator("td.state")).toHaveText("reused");
  await expect(reusedRows.first().getByTestId("task-reused")).toHaveText("none: its output was reused from an earlier run");
  await expect(page.locator('[data-testid="task-row"][data-state="unfinished"]')).toHaveCount(0);
  await page.getByTestId("task-list").screenshot({ path: `${SHOTS}/live-job-v3-tasks.png` });
  await page.screenshot({ path: `${SHOTS}/live-job-v3.png`, fullPage: true });

  // Edit as new job carries Live over, on the newest version the chain ran on.
  const edit = await context.newPage();
  await edit.goto(`${grid.url}/dashboard/jobs/new?from=${first}`);
  await expect(edit.getByTestId("dataset-select")).toHaveValue(latest);
  await expect(edit.getByTestId("live")).toBeChecked();
  await edit.close();

  await page.getByTestId("stop-live").click();
  await expect(page.getByTestId("live-phase")).toHaveText("stopped");
  await expect(page.getByTestId("live-state")).toContainText("Stopped. Version 3 is the last");
  await expect(page.getByTestId("stop-live")).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/live-job-stopped.png`, fullPage: true });
  expect((await api("GET", `/api/jobs/${first}/live`)).status).toBe(404);
});

test("an ordinary job's page does not ask for a live stream, and shows no live panel", async () => {
  const submitted = await fetch(`${grid.url}/api/jobs`, {
    method: "POST",
    headers: { Authorization: `Bearer ${grid.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ dataset, spec: { script: readFileSync("examples/sma-crossover.lua", "utf8"), params: { fast: [5], slow: [50] } } }),
  });
  expect(submitted.status).toBe(201);
  const job = (await submitted.json()) as { id: string; live?: unknown };
  expect(job.live).toBeUndefined();
  const page = await context.newPage();
  const asked: string[] = [];
  page.on("request", (request) => asked.push(new URL(request.url()).pathname));
  await page.goto(`${grid.url}/dashboard/jobs/${job.id}`);
  await expect(page.getByTestId("result-summary")).toBeVisible({ timeout: 90_000 });
  expect(asked).toContain(`/api/jobs/${job.id}`);
  expect(asked.filter((path) => path.endsWith("/live"))).toEqual([]);
  await expect(page.getByTestId("live-panel")).toHaveCount(0);
  await expect(page.getByTestId("progress-version")).toHaveCount(0);
});
