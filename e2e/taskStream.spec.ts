import { readFileSync } from "node:fs";
import type { BrowserContext, Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { ShoalProcess } from "../apps/cli/test/shoalProcess.ts";
import { TestGrid } from "./support/grid.ts";

/*
 * The job page's task list and task stream in real Chromium, against a real coordinator process and
 * a real Node volunteer (`shoal worker`): a job whose tasks print (HTML-looking text among it) and
 * one of which raises a Lua error. The list must show each task's print output as text and the
 * error with its line; the timeline must draw the attempts.
 */

test.describe.configure({ mode: "serial" });

const SHOTS = "e2e/screenshots";
const SCRIPT = [
  "-- prints and one failing task",
  "function map(series, p)",
  '  print("hello " .. p.a .. " <b>not bold</b>")',
  '  if p.a == 4 then error("boom at " .. p.a) end',
  "  return { a = p.a, rows = #series.close }",
  "end",
].join("\n");

const grid = new TestGrid();
let worker: ShoalProcess;
let context: BrowserContext;
let page: Page;
let jobId: string;

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${grid.url}${path}`, { ...init, headers: { Authorization: `Bearer ${grid.token}`, ...(init.headers ?? {}) } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

test.beforeAll(async ({ browser }) => {
  await grid.start();
  // One thread runs the tasks in plan order, so the tasks before the failing one have finished when it fails.
  worker = new ShoalProcess(["worker", "--coordinator", grid.url, "--threads", "1"]);
  const dataset = await api<{ id: string }>("/api/datasets?name=sp500", { method: "POST", body: readFileSync("public/datasets/sp500.csv") });
  const spec = { script: SCRIPT, params: { a: [1, 2, 3, 4, 5, 6] }, batchSize: 1 };
  jobId = (await api<{ id: string }>("/api/jobs", { method: "POST", body: JSON.stringify({ dataset: dataset.id, spec }), headers: { "Content-Type": "application/json" } })).id;
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  await page.goto(`${grid.url}/dashboard/jobs`);
  await page.evaluate((token) => localStorage.setItem("shoal.authorToken", token), grid.token);
});

test.afterAll(async () => {
  await context?.close();
  await worker?.kill9();
  await grid.stop();
});

test("the task list shows each task's print output as text and the failing task's Lua error", async () => {
  await page.goto(`${grid.url}/dashboard/jobs/${jobId}`);
  await expect(page.getByTestId("job-status")).toHaveText(/failed/, { timeout: 60_000 });
  await page.getByTestId("task-list").locator("summary").click();
  const rows = page.getByTestId("task-row");
  await expect(rows).toHaveCount(6);
  const failed = page.locator('[data-testid="task-row"][data-state="failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed.getByTestId("attempt-error")).toHaveText(/^job\.lua:4: boom at 4/);
  await expect(failed.getByTestId("attempt-log")).toHaveText("hello 4 <b>not bold</b>\n");
  await expect(failed.getByTestId("attempt")).toHaveAttribute("data-outcome", "error");
  const first = rows.first();
  await expect(first.getByTestId("attempt-log")).toHaveText("hello 1 <b>not bold</b>\n");
  // Untrusted print output is text: the tags are characters on the page, not a <b> element.
  await expect(page.getByTestId("task-list").locator("pre b")).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/tasks-list-1280.png`, fullPage: true });
});

test("the task stream draws a bar per attempt in a lane per volunteer, the failure among them", async () => {
  const timeline = page.getByTestId("task-timeline");
  await expect(timeline).toBeVisible();
  const bars = timeline.getByTestId("timeline-bar");
  expect(await bars.count()).toBeGreaterThanOrEqual(4);
  await expect(timeline.locator('[data-outcome="error"]')).toHaveCount(1);
  await expect(timeline.locator('[data-outcome="result"]').first()).toBeVisible();
  await expect(page.getByTestId("throughput-chart")).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/tasks-list-390.png`, fullPage: true });
});

test("while a job runs, the task stream asks only for the attempts changed since its last answer and still draws every attempt", async () => {
  await worker.kill9(); // no volunteer: the page opens on a job with no result yet
  const datasets = await api<Array<{ id: string }>>("/api/datasets");
  const spec = { script: "function map(series, p)\n  return p.a\nend", params: { a: [1, 2, 3, 4, 5, 6] }, batchSize: 1 };
  const job = (await api<{ id: string }>("/api/jobs", { method: "POST", body: JSON.stringify({ dataset: datasets[0]!.id, spec }), headers: { "Content-Type": "application/json" } })).id;
  const asked: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes(`/api/jobs/${job}/attempts`)) asked.push(new URL(request.url()).search);
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${grid.url}/dashboard/jobs/${job}`);
  await expect(page.getByTestId("job-status")).toHaveText(/queued|running/); // running: the killed volunteer may have held a lease
  await page.waitForRequest((request) => request.url().includes(`/api/jobs/${job}/attempts?since=`));
  // No result yet, so every result bar drawn below came through a ?since= answer merged into what the page held.
  expect((await api<{ attempts: Array<{ outcome: string }> }>(`/api/jobs/${job}/attempts`)).attempts.filter((a) => a.outcome === "result")).toEqual([]);
  worker = new ShoalProcess(["worker", "--coordinator", grid.url, "--threads", "1"]);
  await expect(page.getByTestId("job-status")).toHaveText(/done/, { timeout: 60_000 });
  await expect(page.getByTestId("task-timeline").locator('[data-outcome="result"]')).toHaveCount(6);
  expect(asked[0]).toBe("");
  expect(asked.slice(1).length).toBeGreaterThan(0);
  expect(asked.slice(1).every((search) => /^\?since=\d+$/.test(search))).toBe(true);
  await page.screenshot({ path: `${SHOTS}/tasks-stream-incremental-1280.png`, fullPage: true });
});

test("a running job with a reduce offers its map outputs so far, collapsed, marked as before the reduce", async () => {
  const datasets = await api<Array<{ id: string }>>("/api/datasets");
  // The last task never ends (no budget), so the reduce waits; tasks the volunteer prefetched behind it wait too, so how many arrive varies.
  const script = "function map(series, p)\n  if p.a == 6 then while true do end end\n  return { a = p.a }\nend\nfunction reduce(values)\n  return #values\nend";
  const spec = { script, params: { a: [1, 2, 3, 4, 5, 6] }, batchSize: 1, budget: "off" };
  const job = (await api<{ id: string }>("/api/jobs", { method: "POST", body: JSON.stringify({ dataset: datasets[0]!.id, spec }), headers: { "Content-Type": "application/json" } })).id;
  await page.goto(`${grid.url}/dashboard/jobs/${job}`);
  const card = page.getByTestId("partial-result");
  // One read of the card: the count arrived and the count listed agree.
  await expect(card).toHaveText(/partial \(([1-5]) of 6 tasks\)\1 of 6 map outputs arrived\..*Map outputs so far, before the reduce \(\1\)/, { timeout: 60_000 });
  const outputs = card.getByTestId("partial-map-outputs");
  await expect(outputs.locator("tbody tr").first()).not.toBeVisible(); // collapsed until opened
  await outputs.locator("summary").click();
  await expect(outputs.locator("tbody tr").first()).toBeVisible();
  const read = await outputs.evaluate((details) => ({
    count: Number(/\((\d+)\)/.exec(details.querySelector("summary")?.textContent ?? "")?.[1]),
    values: [...details.querySelectorAll("tbody tr td:first-child")].map((cell) => Number(cell.textContent)),
  }));
  expect(read.values).toHaveLength(read.count);
  expect(read.values).toEqual([...read.values].sort((x, y) => x - y)); // plan order
  expect(read.values).not.toContain(6);
  await page.screenshot({ path: `${SHOTS}/tasks-partial-before-reduce-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/tasks-partial-before-reduce-390.png`, fullPage: true });
  await page.getByTestId("cancel").click();
  await expect(page.getByTestId("job-status")).toHaveText("cancelled");
});
