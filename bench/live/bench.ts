// bench/live: how soon a live job's new result follows an append (issue #19: "its result is on the
// job page within 1 s of the append on a local grid with two volunteers"). Real processes on
// loopback: a coordinator (SQLite) and two `shoal worker`s (one thread each, WebSocket). A live SMA
// sweep (examples/quant-sma-sweep.lua, 16 points, rows=500, halo 200) on the 20-year S&P 500
// sample; then bars are appended one at a time, each after the previous version's event, and the
// time from the append's HTTP answer to the `version` event on GET /api/jobs/{id}/live is taken.
// The dashboard's job page is open in headless Chromium too (apps/web built first), and the time
// until its "Version shown" reads the new version is taken as well: the page renders on its own
// stream's event, with no further request.
import { mkdtempSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { LiveVersion } from "@shoal/client";
import { ShoalClient } from "@shoal/client";
import type { Browser } from "@playwright/test";
import { chromium } from "@playwright/test";
import { ShoalProcess } from "../../apps/cli/test/shoalProcess.ts";
import { CHROMIUM_ARGS, findChromium } from "../../e2e/support/findChromium.ts";
import buildWeb from "../../e2e/support/buildWeb.ts";

const ROOT = new URL("../../", import.meta.url);
const CSV = readFileSync(new URL("public/datasets/sp500.csv", ROOT));
const SCRIPT = readFileSync(new URL("examples/quant-sma-sweep.lua", ROOT), "utf8");
const HEADER = "date,open,high,low,close,adjclose,volume\n";
const APPENDS = Number(process.env.LIVE_BENCH_APPENDS ?? 10);
const GOAL_MS = 1000;

/** The `n`th bar after the sample's last day (2020-04-17): a day later each, close drifting. */
function bar(n: number): string {
  const day = new Date(Date.UTC(2020, 3, 18 + n)).toISOString().slice(0, 10);
  const close = (2874.56 * (1 + 0.004 * Math.sin(n))).toFixed(2);
  return `${HEADER}${day},${close},${close},${close},${close},${close},4000000000\n`;
}

/** What the page-side predicate reads of the page's globals. */
interface PageGlobals {
  document: { querySelector(selector: string): { textContent: string | null } | null };
}

const processes: ShoalProcess[] = [];
const start = (args: string[]) => {
  const p = new ShoalProcess(args);
  processes.push(p);
  return p;
};

const abort = new AbortController();
const rows: string[][] = [];
const latencies: number[] = [];
const shown: number[] = [];
let browser: Browser | undefined;
buildWeb();
try {
  const coordinator = start(["coordinator", "--port", "0", "--data-dir", mkdtempSync(join(tmpdir(), "shoal-bench-live-"))]);
  const url = (await coordinator.waitFor(/coordinator: (http:\/\/\S+) /))[1]!;
  const token = (await coordinator.waitFor(/author token[^:]*: (\S+)\n/))[1]!;
  await Promise.all([1, 2].map(() => start(["worker", "--coordinator", url, "--threads", "1", "--transport", "ws", "--status-every", "1h"]).waitFor(/connected to the coordinator/, 60_000)));
  const client = new ShoalClient({ url, token });
  let dataset = (await client.uploadDataset(CSV, { name: "sp500" })).dataset.id;
  const job = await client.createJob({ dataset, live: true, spec: { script: SCRIPT, params: { fast: [5, 10, 20, 50], slow: [50, 100, 150, 200] }, split: { kind: "rows", rows: 500 }, halo: 200, batchSize: 4 } });

  const arrived = new Map<number, { at: number; event: LiveVersion }>();
  let wake = () => {};
  const following = (async () => {
    for await (const event of client.watchLive(job.id, { signal: abort.signal })) {
      arrived.set(event.version, { at: performance.now(), event });
      wake();
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  const version = async (n: number) => {
    while (!arrived.has(n)) await new Promise<void>((resolve) => (wake = resolve));
    return arrived.get(n)!;
  };

  await version(1);
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  await page.goto(`${url}/dashboard/jobs/${job.id}`);
  await page.getByTestId("token").fill(token);
  await page.getByTestId("sign-in").click();
  const pageShows = (n: number) =>
    // Runs in the page; this file is type-checked for Node, without the DOM's types (and the page's CSP refuses a string to eval).
    page.waitForFunction((text) => (globalThis as unknown as PageGlobals).document.querySelector("[data-testid=live-version]")?.textContent === text, String(n), { polling: "raf", timeout: 120_000 });
  await pageShows(1);
  for (let n = 1; n <= APPENDS; n++) {
    const sent = performance.now();
    const appended = await client.appendDataset(dataset, new TextEncoder().encode(bar(n)));
    const answered = performance.now();
    dataset = appended.id;
    const [{ at, event }, onPage] = await Promise.all([version(n + 1), pageShows(n + 1).then(() => performance.now())]);
    if (event.status !== "done") throw new Error(`version ${n + 1} ended ${event.status}`);
    latencies.push(at - answered);
    shown.push(onPage - answered);
    rows.push([String(n + 1), `${event.total - event.reused} of ${event.total}`, `${(answered - sent).toFixed(0)} ms`, `${(at - answered).toFixed(0)} ms`, `${(onPage - answered).toFixed(0)} ms`, onPage - answered < GOAL_MS ? "yes" : "no"]);
  }
  abort.abort();
  await following;
} finally {
  abort.abort();
  await browser?.close();
  await Promise.all(processes.map((p) => p.kill9()));
}

const header = ["version", "tasks ran", "append (HTTP)", "append answered → result event", "→ shown on the job page", `page < ${GOAL_MS} ms`];
console.log(`| ${header.join(" | ")} |\n| ${header.map(() => "---").join(" | ")} |`);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
const quantiles = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(0);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`;
};
console.log(`\nover ${latencies.length} appends: append → result event ${quantiles(latencies)}; append → on the page ${quantiles(shown)}`);
console.log(`loadavg ${loadavg().map((x) => x.toFixed(2)).join(" ")}; coordinator and two shoal workers (1 thread each, fengari) as processes on loopback, the page in headless Chromium`);
