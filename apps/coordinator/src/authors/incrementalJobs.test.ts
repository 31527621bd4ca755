import type { DatasetView, JobView, Json, TaskPage } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMA_SPEC, SP500_CSV } from "../testing/fixtures.ts";
import { ProtocolClient } from "../testing/ProtocolClient.ts";
import type { TestCoordinator } from "../testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "../testing/startTestCoordinator.ts";
import { TestWorker } from "../testing/TestWorker.ts";
import { startCoordinator } from "../Coordinator.ts";
import { silentLogger } from "../Logger.ts";

/** One more daily bar after the sample's last (2020-04-17). */
const HEADER = "date,open,high,low,close,adjclose,volume\n";
const BAR = "2020-04-20,2845.620117,2868.979980,2820.429932,2823.159912,2823.159912,5220160000\n";

/** A recursive indicator: the EMA of the close over the slice, halo included, at its last row. */
const EMA_SPEC = {
  script: `
function map(series, p)
  local close, a = series.close, 2 / (p.n + 1)
  local ema = close[1]
  for i = 2, #close do ema = a * close[i] + (1 - a) * ema end
  return { key = series.key, first = series.time[series.first], n = p.n, ema = ema }
end`,
  params: { n: [10, 30] },
  split: { kind: "rows" as const, rows: 700 },
  halo: 300,
  batchSize: 1,
};

describe("incremental jobs over an appended version", () => {
  let c: TestCoordinator;
  let client: ProtocolClient;
  beforeAll(async () => {
    c = await startTestCoordinator();
    client = await ProtocolClient.connect(c.wsUrl);
    const w = new TestWorker({ send: (text) => client.sendRaw(text), onMessage: (listener) => client.socket.on("message", (d) => listener(String(d))) }, { threads: 2 });
    await w.start();
  });
  afterAll(async () => {
    client.close();
    await c.close();
  });

  const upload = (body: string | Buffer, name: string) => json<DatasetView>(c.api(`/api/datasets?name=${name}`, { method: "POST", body }));
  /** Submits a job and waits until it ends; its final view and result. */
  async function run(dataset: string, spec: object): Promise<{ view: JobView; result: string }> {
    const created = await c.api("/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec }), headers: { "Content-Type": "application/json" } });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = await json<JobView>(created);
    for (;;) {
      const view = await json<JobView>(c.api(`/api/jobs/${id}`));
      if (view.status !== "queued" && view.status !== "running") {
        expect(view.status).toBe("done");
        return { view, result: canonicalJson(await json<Json>(c.api(`/api/jobs/${id}/result`))) };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it.each([
    ["the SMA sweep (a window indicator, with a reduce)", SMA_SPEC, "sp500"],
    ["an EMA (a recursive indicator, no reduce)", EMA_SPEC, "ema"],
  ])("reruns %s on a version with one more bar: only the tail's tasks run, and the result equals a from-scratch run", async (_name, spec, name) => {
    const v1 = await upload(SP500_CSV, name);
    const first = await run(v1.id, spec);
    expect(first.view.tasks.reused).toBeUndefined();
    const v2 = await json<DatasetView>(c.api(`/api/datasets/${v1.id}/append`, { method: "POST", body: HEADER + BAR }));
    expect(v2.rows).toBe(5106);
    const rerun = await run(v2.id, spec);
    const { total, reused = 0 } = rerun.view.tasks;
    // Only the last slice (5000 or 4900 rows on) holds the new bar: its batches and the reduce path above them rerun.
    const lastSlice = spec === SMA_SPEC ? 4 : 2;
    expect(reused).toBeGreaterThan(0);
    expect(total - reused).toBeGreaterThanOrEqual(lastSlice);
    expect(total - reused).toBeLessThanOrEqual(lastSlice + 4);
    const scratch = await run((await upload(Buffer.concat([SP500_CSV, Buffer.from(SP500_CSV.at(-1) === 10 ? BAR : `\n${BAR}`)]), name)).id, spec);
    expect(scratch.view.tasks.reused).toBeUndefined();
    expect(scratch.view.tasks.total).toBe(total);
    expect(rerun.result).toBe(scratch.result);
    expect(rerun.result).not.toBe(first.result);
    // The task list names the reused tasks as such (no attempts: they never ran), the others done.
    const page = await json<TaskPage>(c.api(`/api/jobs/${rerun.view.id}/tasks?limit=200`));
    expect(page.tasks).toHaveLength(total);
    const reusedRows = page.tasks.filter((task) => task.state === "reused");
    expect(reusedRows).toHaveLength(reused);
    expect(reusedRows.every((task) => task.attempts.length === 0)).toBe(true);
    expect(page.tasks.filter((task) => task.state === "done")).toHaveLength(total - reused);
    // Running it again on the same version reuses every task.
    const again = await run(v2.id, spec);
    expect(again.view.tasks).toMatchObject({ total, done: total, reused: total });
    expect(again.result).toBe(scratch.result);
  });

  it("does not reuse outputs a smaller quorum verified", async () => {
    const v1 = await upload(SP500_CSV, "quorum");
    await run(v1.id, { ...SMA_SPEC, params: { fast: [5], slow: [50] } });
    const v2 = await json<DatasetView>(c.api(`/api/datasets/${v1.id}/append`, { method: "POST", body: HEADER + BAR }));
    const created = await c.api("/api/jobs", { method: "POST", body: JSON.stringify({ dataset: v2.id, spec: { ...SMA_SPEC, params: { fast: [5], slow: [50] } }, replicas: 2, quorum: 2 }), headers: { "Content-Type": "application/json" } });
    const view = await json<JobView>(created);
    expect(view.tasks.reused).toBeUndefined();
    expect((await c.api(`/api/jobs/${view.id}/cancel`, { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } })).status).toBe(200);
  });
});

describe("the task memo across a coordinator restart", () => {
  it("reuses what a job stored before the restart, on a version appended after it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-memo-restart-"));
    const spec = { ...SMA_SPEC, params: { fast: [5, 20], slow: [50, 100] } };
    const runOn = async (c: Pick<TestCoordinator, "api" | "wsUrl">, dataset: string) => {
      const client = await ProtocolClient.connect(c.wsUrl);
      const w = new TestWorker({ send: (text) => client.sendRaw(text), onMessage: (listener) => client.socket.on("message", (d) => listener(String(d))) }, { threads: 2 });
      await w.start();
      const { id } = await json<JobView>(c.api("/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec }), headers: { "Content-Type": "application/json" } }));
      let view: JobView;
      while ((view = await json<JobView>(c.api(`/api/jobs/${id}`))).status !== "done") await new Promise((resolve) => setTimeout(resolve, 50));
      client.close();
      return view;
    };
    const first = await startTestCoordinator({ dataDir });
    const v1 = (await json<DatasetView>(first.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
    const before = await runOn(first, v1);
    await first.close();
    // The same data directory: the first start's token still works (only its hash is stored).
    const running = await startCoordinator({ port: 0, webrtc: false, logger: silentLogger, dataDir, webDist: join(dataDir, "no-web-app") });
    const second = {
      wsUrl: `${running.url.replace(/^http/, "ws")}/ws`,
      api: (path: string, init: RequestInit = {}) => fetch(`${running.url}${path}`, { ...init, headers: { Authorization: `Bearer ${first.token}`, ...(init.headers ?? {}) } }),
    };
    try {
      const v2 = (await json<DatasetView>(second.api(`/api/datasets/${v1}/append`, { method: "POST", body: HEADER + BAR }))).id;
      const after = await runOn(second, v2);
      expect(after.tasks.total).toBe(before.tasks.total);
      expect(after.tasks.reused).toBeGreaterThan(0);
      expect(after.tasks.total - (after.tasks.reused ?? 0)).toBeLessThanOrEqual(3);
    } finally {
      await running.close();
    }
  });
});

describe("incremental jobs past the memo's bound", () => {
  const MEMOS = 30;
  let c: TestCoordinator;
  let client: ProtocolClient;
  beforeAll(async () => {
    c = await startTestCoordinator({ limits: { maxTaskMemos: MEMOS } });
    client = await ProtocolClient.connect(c.wsUrl);
    const w = new TestWorker({ send: (text) => client.sendRaw(text), onMessage: (listener) => client.socket.on("message", (d) => listener(String(d))) }, { threads: 2 });
    await w.start();
  });
  afterAll(async () => {
    client.close();
    await c.close();
  });

  const upload = (body: string | Buffer) => json<DatasetView>(c.api("/api/datasets?name=bounded", { method: "POST", body }));
  async function run(dataset: string): Promise<{ view: JobView; result: string }> {
    const { id } = await json<JobView>(c.api("/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec: SMA_SPEC }), headers: { "Content-Type": "application/json" } }));
    let view: JobView;
    while ((view = await json<JobView>(c.api(`/api/jobs/${id}`))).status === "queued" || view.status === "running") await new Promise((resolve) => setTimeout(resolve, 50));
    expect(view.status).toBe("done");
    return { view, result: canonicalJson(await json<Json>(c.api(`/api/jobs/${id}/result`))) };
  }
  /** Rows in the memo table, read beside the running coordinator. */
  function memoRows(): number {
    const db = new Database(join(c.dataDir, "shoal.db"), { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM task_memo").get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  it("keeps at most its bound; a rerun after eviction reuses fewer tasks and still equals a from-scratch run", async () => {
    const v1 = await upload(SP500_CSV);
    const first = await run(v1.id);
    expect(first.view.tasks.total).toBeGreaterThan(MEMOS);
    expect(memoRows()).toBe(MEMOS);
    const v2 = await json<DatasetView>(c.api(`/api/datasets/${v1.id}/append`, { method: "POST", body: HEADER + BAR }));
    const rerun = await run(v2.id);
    const { total, reused = 0 } = rerun.view.tasks;
    // Unbounded, only the last slice's 4 batches and the reduce path above them (at most 8 tasks) rerun;
    // the first slices' maps were evicted, so they run again, while the newest memos are still reused
    // (39 of 56 tasks ran, 17 reused, when this was written).
    expect(reused).toBeGreaterThan(0);
    expect(total - reused).toBeGreaterThan(8);
    expect(memoRows()).toBe(MEMOS);
    const scratch = await run((await upload(Buffer.concat([SP500_CSV, Buffer.from(SP500_CSV.at(-1) === 10 ? BAR : `\n${BAR}`)]))).id);
    expect(scratch.view.tasks.reused).toBeUndefined();
    expect(rerun.result).toBe(scratch.result);
    expect(rerun.result).not.toBe(first.result);
  });
});
