import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetView, JobView, Json } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import { startCoordinator } from "./Coordinator.ts";
import { silentLogger } from "./Logger.ts";
import { api as apiOf, ClusterProcesses, waitForJob } from "./testing/clusterProcesses.ts";
import { readEvents, shoalRunSma, SMA_SPEC, SP500_CSV } from "./testing/fixtures.ts";
import type { TestPostgres } from "./testing/startPostgres.ts";
import { startPostgres } from "./testing/startPostgres.ts";
import type { ErrorBody } from "./testing/startTestCoordinator.ts";
import { json } from "./testing/startTestCoordinator.ts";

let cluster: TestPostgres;
const processes = new ClusterProcesses();
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(() => {
  processes.killAll();
  cluster?.stop();
});

describe("two coordinators on one database, in process", () => {
  it("cancelling a job at a coordinator that does not own it is a 409 saying where to cancel it, and changes nothing; the owner cancels it", async () => {
    const store = await cluster.createDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-cluster-"));
    const options = { port: 0, webrtc: false as const, logger: silentLogger, dataDir, store, webDist: join(dataDir, "no-web-app"), leaseTtlMs: 60_000 };
    const a = await startCoordinator(options);
    const b = await startCoordinator(options);
    try {
      const api = (url: string, path: string, init: RequestInit = {}) => fetch(`${url}${path}`, { ...init, headers: { Authorization: `Bearer ${a.token}` } });
      const dataset = (await json<DatasetView>(api(a.url, "/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
      const job = await json<JobView>(api(a.url, "/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec: SMA_SPEC }) }));

      const refused = await api(b.url, `/api/jobs/${job.id}/cancel`, { method: "POST" });
      expect(refused.status).toBe(409);
      expect((await json<ErrorBody>(refused)).error).toBe(`job ${job.id} is run by another coordinator on this database; cancel it there`);
      expect((await json<JobView>(api(a.url, `/api/jobs/${job.id}`))).status).toMatch(/queued|running/);

      const cancelled = await json<JobView>(api(a.url, `/api/jobs/${job.id}/cancel`, { method: "POST" }));
      expect(cancelled.status).toBe("cancelled");
      // Read from the shared store, a finished job looks the same from every coordinator.
      expect((await json<JobView>(api(b.url, `/api/jobs/${job.id}`))).status).toBe("cancelled");
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);
});

describe("two coordinator processes on one database", () => {
  it("the coordinator that does not run a job shows its owner's counts in its view, list and event stream, and its stream follows the job through the owner's kill -9 to done, with shoal run's result", async () => {
    const reference = shoalRunSma();
    const store = await cluster.createDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-progress-"));
    const a = await processes.coordinator(store, dataDir);
    const token = (await a.process.waitFor(/author token.*: (shoal_\S+)/))[1]!;
    const b = await processes.coordinator(store, dataDir);
    const api = (url: string, path: string, init: RequestInit = {}) => apiOf(url, token, path, init);
    const dataset = (await json<DatasetView>(api(a.url, "/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
    const job = await json<JobView>(api(a.url, "/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec: SMA_SPEC }) }));
    const onA = processes.worker(a.url);

    // b runs nothing of the job, yet shows a's counts: running, tasks done, results accepted.
    const seen = await waitForJob(b.url, token, job.id, (view) => view.results.accepted >= 3);
    expect(seen).toMatchObject({ status: "running", finishedAt: null, tasks: { total: 56 } });
    expect(seen.tasks.done).toBeGreaterThanOrEqual(3);
    const listed = (await json<JobView[]>(api(b.url, "/api/jobs"))).find((view) => view.id === job.id);
    expect(listed?.status).toBe("running");
    expect(listed?.tasks.done).toBeGreaterThanOrEqual(3);

    // b's event stream: a's counts first; a dies; b takes the job over after the 2 s lease and its own volunteer finishes it.
    let killed: Promise<void> | undefined;
    const events = await readEvents(await api(b.url, `/api/jobs/${job.id}/events`), (event, data) => {
      const view = data as JobView;
      if (event === "progress" && !killed && view.tasks.done >= 3) {
        killed = (async () => {
          await a.process.kill9();
          await onA.kill9();
          processes.worker(b.url);
        })();
      }
      return event === "done" || event === "failed" || event === "cancelled";
    });
    await killed;
    const progress = events.filter((e) => e.event === "progress").map((e) => e.data as JobView);
    expect(progress[0]).toMatchObject({ status: "running" });
    expect(progress[0]!.tasks.done).toBeGreaterThanOrEqual(3);
    // Counts never go back, through the takeover.
    const done = progress.map((view) => view.tasks.done);
    expect(done).toEqual([...done].sort((x, y) => x - y));
    expect(events.at(-1)).toMatchObject({ event: "done", data: { status: "done", tasks: { total: 56, done: 56 } } });
    expect(canonicalJson(await json<Json>(api(b.url, `/api/jobs/${job.id}/result`)))).toBe(await reference);
    await b.process.waitFor(new RegExp(`job ${job.id}: taken over from ${a.node}`));
  }, 300_000);

  it("shoal submit --coordinator a,b follows its job through a's kill -9 on b, and prints shoal run's result", async () => {
    const reference = shoalRunSma();
    const store = await cluster.createDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-failover-"));
    const a = await processes.coordinator(store, dataDir);
    const token = (await a.process.waitFor(/author token.*: (shoal_\S+)/))[1]!;
    const b = await processes.coordinator(store, dataDir);
    const onA = processes.worker(a.url);
    const sweep = ["--param", "fast=5,10,20,50", "--param", "slow=50,100,150,200", "--split", "rows=500", "--halo", "250"];
    const submit = processes.shoal(["submit", "--coordinator", `${a.url},${b.url}`, "--token", token, "examples/sma-crossover.lua", "--data", "public/datasets/sp500.csv", ...sweep]);
    const id = (await submit.waitFor(/submitted job (j_[0-9a-f]+)/, 60_000))[1]!;
    await waitForJob(b.url, token, id, (view) => view.results.accepted >= 3);
    await a.process.kill9();
    await onA.kill9();
    processes.worker(b.url);
    expect(await submit.exited).toBe(0);
    expect(submit.stdout.trim()).toBe(await reference);
    const finished = await json<JobView>(apiOf(b.url, token, `/api/jobs/${id}`));
    expect(finished.status).toBe("done");
    expect(finished.tasks.done).toBe(finished.tasks.total);
    // The job was still running when a died: b finished it.
    await b.process.waitFor(new RegExp(`job ${id}: taken over from ${a.node}`));
  }, 300_000);
});
