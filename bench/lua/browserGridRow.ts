// The Chromium grid row of bench/lua: the sweep through a real `shoal coordinator` on loopback
// with two donor pages in headless Debian Chromium as its volunteers (each its own browser
// context, threads 1, CPU use 100 %, WebSocket), beside native lua5.4 on one core in the same
// run, as the Node row (bench/lua/gridRow.ts) does with two `shoal worker --threads 1`. CPU is
// the renderer processes' (found with SystemInfo.getProcessInfo, read in /proc); memory per worker is the JS
// heap of each page's executor Web Worker (workerHeaps.ts), and each donor renderer's RSS.
import { chromium } from "@playwright/test";
import type { Browser, CDPSession, Page } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "../../e2e/support/findChromium.ts";
import buildWeb from "../../e2e/support/buildWeb.ts";
import { COPIES, cpuMs, ENGINES, figureCells, gridFigures, spanTable, rssMb, runJob, startGrid, TASKS, threadCpu, threadCpuMs, WORKERS } from "./gridJob.ts";
import type { Grid, GridRun, Volunteers } from "./gridJob.ts";
import { POINTS } from "./kernels.ts";
import { nativeLua, nativeLuaBusy } from "./runners.ts";
import type { HeapUsage } from "./workerHeaps.ts";
import { WorkerHeaps } from "./workerHeaps.ts";

/** What the donor page keeps in localStorage (apps/web/src/donor/donorSettings.ts): one worker at full speed, never paused. */
const SETTINGS = { threads: 1, cpuPercent: 100, pauseWhenHidden: false, pauseOnBattery: false };
const MB = 1024 * 1024;

/** Opens a donor page of `grid` in a fresh context, checks its sliders read 1 thread and 100 %, and starts it. */
async function openDonor(browser: Browser, grid: Grid, crashed: (page: Page) => void): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript({ content: `localStorage.setItem("shoal.donor.settings", ${JSON.stringify(JSON.stringify(SETTINGS))});` });
  const page = await context.newPage();
  page.on("crash", () => crashed(page));
  await page.goto(`${grid.url}/?transport=ws`);
  await page.waitForSelector("[data-testid=toggle]:not([disabled])", { timeout: 30_000 });
  const sliders = [await page.getByTestId("threads").inputValue(), await page.getByTestId("cpu").inputValue()];
  if (sliders.join() !== "1,100") throw new Error(`the donor page's sliders read threads ${sliders[0]}, CPU ${sliders[1]} %, not 1 and 100`);
  await page.getByTestId("toggle").click();
  await page.locator("[data-testid=state]", { hasText: /^Running/ }).waitFor({ timeout: 30_000 });
  return page;
}

/** Waits until the coordinator counts `count` peers that run every engine of the row (each page's workers have loaded them). */
async function waitForPeers(grid: Grid, count: number): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    const peers = await grid.client.listPeers();
    if (peers.filter((p) => ENGINES.every((engine) => p.engines.includes(engine))).length >= count) return;
    if (Date.now() > until) throw new Error(`${count} donor pages running ${ENGINES.join(", ")} expected, the coordinator has: ${JSON.stringify(peers)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Chromium's renderer processes (SystemInfo.getProcessInfo): pid and CPU ms so far, from /proc as the Node row reads its workers'. */
async function renderers(browserSession: CDPSession): Promise<Array<{ pid: number; cpuMs: number }>> {
  const { processInfo } = (await browserSession.send("SystemInfo.getProcessInfo")) as { processInfo: Array<{ type: string; id: number }> };
  return processInfo.filter((p) => p.type === "renderer").map((p) => ({ pid: p.id, cpuMs: cpuMs(p.id) }));
}

/** CPU ms of every thread of every renderer so far, keyed "pid:name#tid". */
async function rendererThreads(browserSession: CDPSession): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const { pid } of await renderers(browserSession)) for (const [thread, ms] of threadCpu(pid)) out.set(`${pid}:${thread}`, ms);
  return out;
}

/**
 * Where the renderers' CPU went between two rendererThreads readings, in ms per point over
 * `points` points: each page's main thread, its busiest Web Worker (the executor that runs Lua),
 * its other Web Workers, Chromium's thread pool (V8's compiler and GC helpers, crypto, IndexedDB
 * replies), and the rest.
 */
function threadBreakdown(before: Map<string, number>, after: Map<string, number>, points: number): string {
  const groups = { main: 0, executor: 0, otherWorkers: 0, pool: 0, rest: 0 };
  const workers = new Map<string, number[]>();
  const rest = new Map<string, number>();
  for (const [key, ms] of after) {
    const used = ms - (before.get(key) ?? 0);
    const [pid, thread] = key.split(":") as [string, string];
    const name = thread.slice(0, thread.lastIndexOf("#"));
    if (thread.slice(thread.lastIndexOf("#") + 1) === pid) groups.main += used;
    else if (name.startsWith("DedicatedWorker")) workers.set(pid, [...(workers.get(pid) ?? []), used]);
    else if (name.startsWith("ThreadPool")) groups.pool += used;
    else {
      groups.rest += used;
      rest.set(name, (rest.get(name) ?? 0) + used);
    }
  }
  for (const used of workers.values()) {
    const busiest = Math.max(...used);
    groups.executor += busiest;
    groups.otherWorkers += used.reduce((a, b) => a + b, 0) - busiest;
  }
  const per = (ms: number) => (ms / points).toFixed(1);
  const top = [...rest].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([name, ms]) => `${name} ${per(ms)}`).join(", ");
  return `${per(groups.main)} | ${per(groups.executor)} | ${per(groups.otherWorkers)} | ${per(groups.pool)} | ${per(groups.rest)} (${top})`;
}

/** Peak and last JS heap of each executor Web Worker over the samples since `reset`. */
class HeapPeaks {
  readonly #heaps: WorkerHeaps;
  #last = new Map<string, HeapUsage>();
  #peak = new Map<string, number>();

  constructor(heaps: WorkerHeaps) {
    this.#heaps = heaps;
  }

  reset(): void {
    this.#peak.clear();
  }

  async sample(): Promise<void> {
    this.#last = await this.#heaps.read();
    for (const [id, heap] of this.#last) this.#peak.set(id, Math.max(this.#peak.get(id) ?? 0, heap.usedSize));
  }

  /** "used (peak used) / backing stores" MB per live worker, after a last sample. */
  async describe(): Promise<string> {
    await this.sample();
    const cells = [...this.#last].map(([id, heap]) => {
      const backing = heap.backingStorageSize === undefined ? "" : ` + ${(heap.backingStorageSize / MB).toFixed(0)}`;
      return `${(heap.usedSize / MB).toFixed(1)} (${((this.#peak.get(id) ?? heap.usedSize) / MB).toFixed(1)})${backing}`;
    });
    return cells.join(", ");
  }
}

/** Runs the Chromium grid row over `bars` bars, `runs` timed jobs per engine after one untimed; returns table lines. */
export async function browserGridRow(bars: number, runs: number, port: number): Promise<string[]> {
  const native = nativeLua(bars, 4);
  const busyNative = await nativeLuaBusy(bars, 4, WORKERS);
  if (typeof native === "string") return [`\nChromium grid row: ${native}`];
  buildWeb();
  const executablePath = findChromium();
  const grid = await startGrid(bars, port);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    const session = await browser.newBrowserCDPSession();
    let crash: string | undefined;
    const pages: Page[] = [];
    for (let k = 0; k < WORKERS; k++) pages.push(await openDonor(browser, grid, (page) => (crash = `a donor page crashed: ${page.url()}`)));
    await waitForPeers(grid, WORKERS);
    // Compiled jobs run in each page's compiled engine's Web Worker, the others in its interpreters' one.
    const interpreterHeaps = new HeapPeaks(new WorkerHeaps(session, "shoal-executor"));
    const compiledHeaps = new HeapPeaks(new WorkerHeaps(session, "shoal-compiled"));
    let heaps = interpreterHeaps;
    const volunteers: Volunteers = {
      cpuMs: async () => (await renderers(session)).reduce((sum, r) => sum + r.cpuMs, 0),
      executorCpuMs: async () => (await renderers(session)).reduce((sum, r) => sum + threadCpuMs(r.pid, "DedicatedWorker"), 0),
      check: () => {
        if (crash) throw new Error(crash);
      },
      sample: () => heaps.sample(),
    };
    const nativePerPoint = native.best / POINTS.length;
    const version = browser.version();
    const lines = [
      `\nChromium grid row: the same ${TASKS} tasks (3 points × ${COPIES}, ${bars} bars) on a coordinator and ${WORKERS} donor pages in headless Chromium ${version}, each its`,
      `own browser context with threads 1 and CPU use 100 %, over WebSocket on loopback; ${native.name} on one core in the same run: ${nativePerPoint.toFixed(1)} ms per point.`,
      `Per volunteer core as in the Node row; CPU is all renderer processes' (the two donor pages; any other renderer idles), and of their Web Worker threads alone`,
      `(Linux names them DedicatedWorker: the executors that run Lua, and an idle ticker), the rest being the pages' own threads. Median of ${runs} jobs after an untimed first.`,
      "Executor Web Worker heaps: V8 heap used after the jobs (its peak while they ran, sampled twice a second) + ArrayBuffer backing stores (wasm memory), MB;",
      "donor renderer RSS after the jobs (peak since the page opened), MB.",
      "",
      "| engine | job wall ms | per volunteer core, ms per point | × native | renderers' CPU ms per point | × native | Web Worker threads' CPU ms per point | × native | executor worker heap MB | renderer RSS MB | results agree |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ];
    const breakdown = [
      "",
      "Renderers' CPU by thread, ms per point over the timed jobs: each page's main thread, its busiest Web Worker (the executor),",
      "its other Web Workers (the ticker), Chromium's thread pool (ThreadPool*: V8 compile and GC helpers, WebCrypto, IndexedDB replies), the rest (IO, compositor).",
      "",
      "| engine | main thread | executor Web Worker | other Web Workers | thread pool | rest |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
    ];
    const spans: Array<{ engine: (typeof ENGINES)[number]; figures: ReturnType<typeof gridFigures> }> = [];
    for (const engine of ENGINES) {
      heaps = engine === "compiled" ? compiledHeaps : interpreterHeaps;
      await runJob(grid, engine, volunteers);
      heaps.reset();
      const timed: GridRun[] = [];
      const threads0 = await rendererThreads(session);
      for (let r = 0; r < runs; r++) timed.push(await runJob(grid, engine, volunteers));
      breakdown.push(`| ${engine} | ${threadBreakdown(threads0, await rendererThreads(session), runs * TASKS)} |`);
      const figures = gridFigures(timed, native.results);
      spans.push({ engine, figures });
      const donors = (await renderers(session)).sort((a, b) => b.cpuMs - a.cpuMs).slice(0, WORKERS);
      const rss = donors.map((r) => rssMb(r.pid)).map((m) => `${m.now.toFixed(0)} (${m.peak.toFixed(0)})`).join(", ");
      const worker = figures.executorCpuPerPointMs;
      const workerCells = worker === undefined ? " | " : `${worker.toFixed(1)} | ${(worker / nativePerPoint).toFixed(2)}`;
      lines.push(`| ${engine} | ${figureCells(figures, nativePerPoint)} | ${workerCells} | ${await heaps.describe()} | ${rss} | ${figures.agree} |`);
    }
    return [...lines, ...spanTable(spans, nativePerPoint, busyNative), ...breakdown];
  } finally {
    await browser?.close().catch(() => undefined);
    grid.close();
  }
}
