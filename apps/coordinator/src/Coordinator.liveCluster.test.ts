import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetView, JobView, Json } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import { PostgresStore } from "./store/postgres/PostgresStore.ts";
import { api as apiOf, ClusterProcesses, waitForJob } from "./testing/clusterProcesses.ts";
import { readEvents, SMALL_SMA_SPEC, sp500Bar, SP500_HEADER, SP500_TEXT } from "./testing/fixtures.ts";
import type { TestPostgres } from "./testing/startPostgres.ts";
import { startPostgres } from "./testing/startPostgres.ts";
import { json } from "./testing/startTestCoordinator.ts";

/*
 * One live chain on two `shoal coordinator` processes sharing a real PostgreSQL database, each with
 * a real `shoal worker`: appends sent to both nodes start one job per version at most (one for the
 * newest), and after the chain's owner is killed with SIGKILL the survivor continues it.
 */

let cluster: TestPostgres;
const processes = new ClusterProcesses();
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(() => {
  processes.killAll();
  cluster?.stop();
});

type Version = { version: number; dataset: string; jobId: string; status: string; result?: Json };

describe("a live chain on two coordinator processes", () => {
  it("appends to both nodes start at most one job per version and exactly one for the newest; the survivor of the owner's kill -9 continues the chain", async () => {
    const store = await cluster.createDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-live-cluster-"));
    const a = await processes.coordinator(store, dataDir);
    const token = (await a.process.waitFor(/author token.*: (shoal_\S+)/))[1]!;
    const b = await processes.coordinator(store, dataDir);
    const workers = new Map([a.url, b.url].map((url) => [url, processes.worker(url)]));
    const db = new PostgresStore(store);
    const api = (url: string, path: string, init: RequestInit = {}) => apiOf(url, token, path, init);
    const append = (url: string, id: string, rows: string) => json<DatasetView>(api(url, `/api/datasets/${id}/append`, { method: "POST", body: SP500_HEADER + rows }));
    /** Any node alive reads the shared store; the test reads from the one it names last. */
    let reader = a.url;
    const jobsOn = async (dataset: string) => (await json<JobView[]>(api(reader, "/api/jobs"))).filter((job) => job.dataset === dataset);
    /** The one job of `dataset`, once it is done (read from the shared store). */
    async function doneOn(dataset: string): Promise<JobView> {
      for (let i = 0; i < 3_000; i++) {
        const jobs = await jobsOn(dataset);
        expect(jobs.length).toBeLessThanOrEqual(1);
        if (jobs[0]?.status === "done") return jobs[0];
        expect(jobs[0]?.status ?? "queued").toMatch(/queued|running/);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`no done job on ${dataset}`);
    }

    const v1 = await json<DatasetView>(api(a.url, "/api/datasets?name=live", { method: "POST", body: SP500_TEXT }));
    const chain = await json<JobView>(api(a.url, "/api/jobs", { method: "POST", body: JSON.stringify({ dataset: v1.id, spec: SMALL_SMA_SPEC, live: true }) }));
    await waitForJob(a.url, token, chain.id, (view) => view.status === "done");

    // The chain is idle: b, which never saw it, receives the append and starts version 2 itself.
    const v2 = await append(b.url, v1.id, sp500Bar(1));
    await doneOn(v2.id);

    // Appends to both nodes, each sent as soon as the one before is in: versions may coalesce, none runs twice.
    const versions: DatasetView[] = [v2];
    for (let day = 2; day <= 6; day++) versions.push(await append(day % 2 === 0 ? a.url : b.url, versions.at(-1)!.id, sp500Bar(day)));
    const newest = versions.at(-1)!;
    await doneOn(newest.id);
    for (const version of versions) expect((await jobsOn(version.id)).length).toBeLessThanOrEqual(1);
    expect((await jobsOn(v1.id)).map((job) => job.id)).toEqual([chain.id]);

    // The chain's owner is the holder of its current job's lease.
    const owned = db.connection.query<{ current: string; owner: string }>("SELECT c.current, l.owner FROM live_chains c JOIN job_leases l ON l.job_id = c.current WHERE c.id = $1", [chain.id]).rows[0]!;
    expect(owned.current).toBe((await jobsOn(newest.id))[0]!.id);
    expect([a.node, b.node]).toContain(owned.owner);
    const [owner, survivor] = owned.owner === a.node ? [a, b] : [b, a];
    await owner.process.kill9();
    reader = survivor.url;

    const next = await append(survivor.url, newest.id, sp500Bar(7));
    const last = await doneOn(next.id);
    expect(last.tasks.reused).toBeGreaterThan(0);
    expect(db.connection.query<{ owner: string }>("SELECT owner FROM job_leases WHERE job_id = $1", [last.id]).rows[0]?.owner).toBe(survivor.node);
    // The survivor follows the chain now: its stream names the newest version at once.
    const stream = await readEvents(await api(survivor.url, `/api/jobs/${chain.id}/live`), (event) => event === "version");
    const version = stream.at(-1)!.data as Version;
    expect(version).toMatchObject({ version: 8, dataset: next.id, jobId: last.id, status: "done" });

    // And its result is a from-scratch run's on the same rows.
    let rows = SP500_TEXT;
    for (let day = 1; day <= 7; day++) rows += sp500Bar(day);
    const scratch = await json<DatasetView>(api(survivor.url, "/api/datasets?name=scratch", { method: "POST", body: rows }));
    const reference = await json<JobView>(api(survivor.url, "/api/jobs", { method: "POST", body: JSON.stringify({ dataset: scratch.id, spec: SMALL_SMA_SPEC }) }));
    await waitForJob(survivor.url, token, reference.id, (view) => view.status === "done");
    expect(canonicalJson(version.result as Json)).toBe(canonicalJson(await json<Json>(api(survivor.url, `/api/jobs/${reference.id}/result`))));

    // The survivor dies with the chain's job under way (its volunteer gone first): a third node takes the job over, and the chain with it.
    const c = await processes.coordinator(store, dataDir);
    await workers.get(survivor.url)!.kill9();
    const waiting = await append(survivor.url, next.id, sp500Bar(8));
    while ((await jobsOn(waiting.id)).length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    reader = c.url;
    await survivor.process.kill9();
    processes.worker(c.url);
    const takenOver = await doneOn(waiting.id);
    await c.process.waitFor(new RegExp(`job ${takenOver.id}: taken over from ${survivor.node}`));
    const after = await append(c.url, waiting.id, sp500Bar(9));
    const continued = await doneOn(after.id);
    expect(db.connection.query<{ owner: string }>("SELECT owner FROM job_leases WHERE job_id = $1", [continued.id]).rows[0]?.owner).toBe(c.node);
    const onC = await readEvents(await api(c.url, `/api/jobs/${chain.id}/live`), (event) => event === "version");
    expect(onC.at(-1)!.data).toMatchObject({ version: 10, dataset: after.id, jobId: continued.id, status: "done" });
    db.close();
  }, 300_000);
});
