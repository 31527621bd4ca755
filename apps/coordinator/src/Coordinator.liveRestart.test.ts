import type { DatasetView, JobView, Json } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import Database from "better-sqlite3";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readEvents, SMALL_SMA_SPEC, SMA_SPEC, sp500Bar, SP500_HEADER, SP500_TEXT } from "./testing/fixtures.ts";
import { ProtocolClient } from "./testing/ProtocolClient.ts";
import type { SpawnedCoordinator } from "./testing/spawnCoordinator.ts";
import { spawnCoordinator as spawnChild } from "./testing/spawnCoordinator.ts";
import { json } from "./testing/startTestCoordinator.ts";
import { TestWorker } from "./testing/TestWorker.ts";

/*
 * Live chains across a coordinator killed with SIGKILL: real `shoal coordinator` processes on one
 * data directory, a WebSocket test volunteer, and the chains' rows in SQLite forged between starts.
 */

const children: ChildProcess[] = [];
const clients: ProtocolClient[] = [];
afterAll(() => {
  clients.forEach((client) => client.close());
  children.forEach((child) => child.kill("SIGKILL"));
});

async function spawn(dataDir: string): Promise<SpawnedCoordinator> {
  const spawned = await spawnChild(dataDir, ["--max-live-jobs-per-token", "2"]);
  children.push(spawned.child);
  return spawned;
}

/** A test volunteer on `url`; closing its client disconnects it. */
async function volunteer(url: string): Promise<ProtocolClient> {
  const client = await ProtocolClient.connect(`${url.replace(/^http/, "ws")}/ws`);
  clients.push(client);
  await new TestWorker({ send: (text) => client.sendRaw(text), onMessage: (listener) => client.socket.on("message", (d) => listener(String(d))) }, { threads: 2 }).start();
  return client;
}

/** Calls the API of one coordinator with one token. */
function author(c: SpawnedCoordinator, token: string) {
  const post = (path: string, body: unknown) => c.api(path, token, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
  return {
    get: <T>(path: string) => json<T>(c.api(path, token)),
    raw: (path: string, init: RequestInit = {}) => c.api(path, token, init),
    post,
    upload: (body: string, name: string) => json<DatasetView>(c.api(`/api/datasets?name=${name}`, token, { method: "POST", body })),
    append: (id: string, rows: string) => json<DatasetView>(c.api(`/api/datasets/${id}/append`, token, { method: "POST", body: SP500_HEADER + rows })),
    submit: (dataset: string, spec: unknown, live = false) => post("/api/jobs", { dataset, spec, ...(live ? { live } : {}) }),
    async until(id: string, statuses: readonly string[]): Promise<JobView> {
      for (;;) {
        const view = await json<JobView>(c.api(`/api/jobs/${id}`, token));
        if (statuses.includes(view.status)) return view;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async jobsOn(dataset: string): Promise<JobView[]> {
      for (;;) {
        const jobs = (await json<JobView[]>(c.api("/api/jobs", token))).filter((job) => job.dataset === dataset);
        if (jobs.length > 0) return jobs;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

type Version = { version: number; dataset: string; jobId: string; status: string; result?: Json };

describe("live chains across a coordinator killed with SIGKILL", () => {
  it("resume: the rerun under way finishes, the next append is numbered on and equals a from-scratch run, a stopped chain stays stopped, the cap counts them", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-live-restart-"));
    const first = await spawn(dataDir);
    const token = first.token as string;
    const a = author(first, token);
    let worker = await volunteer(first.url);
    const v1 = await a.upload(SP500_TEXT, "live");
    const chain = await json<JobView>(a.submit(v1.id, SMA_SPEC, true));
    const stopped = await json<JobView>(a.submit(v1.id, SMA_SPEC, true));
    await a.until(chain.id, ["done"]);
    await a.until(stopped.id, ["done"]);
    expect(await json<unknown>(a.raw(`/api/jobs/${stopped.id}/live`, { method: "DELETE" }))).toEqual({ chain: stopped.id, stopped: true });

    // No volunteer: the rerun on v2 is submitted and waits; the coordinator dies under it.
    worker.close();
    const v2 = await a.append(v1.id, sp500Bar(1));
    const [rerun] = await a.jobsOn(v2.id);
    first.child.kill("SIGKILL");
    await first.exited;

    const second = await spawn(dataDir);
    expect(second.stderr()).toContain("1 live chains resumed");
    const b = author(second, token);
    const events: Version[] = [];
    const ended = readEvents(await b.raw(`/api/jobs/${chain.id}/live`), (event, data) => {
      if (event === "version") events.push(data as Version);
      return event === "stopped";
    });
    while (events.length < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    // At once: the last version finished before the kill.
    expect(events[0]).toMatchObject({ version: 1, dataset: v1.id, jobId: chain.id, status: "done" });
    worker = await volunteer(second.url);
    while (events.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events[1]).toMatchObject({ version: 2, dataset: v2.id, jobId: rerun!.id, status: "done" });
    const v3 = await b.append(v2.id, sp500Bar(2));
    while (events.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events[2]).toMatchObject({ version: 3, dataset: v3.id, status: "done" });
    expect((await b.get<JobView>(`/api/jobs/${events[2]!.jobId}`)).tasks.reused).toBeGreaterThan(0);

    const scratch = await b.upload(SP500_TEXT + sp500Bar(1) + sp500Bar(2), "scratch");
    const reference = await json<JobView>(b.submit(scratch.id, SMA_SPEC));
    await b.until(reference.id, ["done"]);
    expect(canonicalJson(events[2]!.result as Json)).toBe(canonicalJson(await b.get<Json>(`/api/jobs/${reference.id}/result`)));

    // The stopped chain stayed stopped: no stream, and no job of its on the new versions (one each: the live chain's).
    expect((await b.raw(`/api/jobs/${stopped.id}/live`)).status).toBe(404);
    expect(await b.jobsOn(v2.id)).toHaveLength(1);
    expect(await b.jobsOn(v3.id)).toHaveLength(1);

    // The resumed chain counts against the token's cap of 2.
    const another = await b.submit(v3.id, SMA_SPEC, true);
    expect(another.status).toBe(201);
    const over = await b.submit(v3.id, SMA_SPEC, true);
    expect(over.status).toBe(429);
    expect(((await over.json()) as { error: string }).error).toMatch(/^this token has 2 live jobs running/);

    expect(await json<unknown>(b.raw(`/api/jobs/${chain.id}/live`, { method: "DELETE" }))).toEqual({ chain: chain.id, stopped: true });
    expect((await ended).at(-1)?.event).toBe("stopped");
    worker.close();
    second.child.kill("SIGKILL");
    await second.exited;
    const third = await spawn(dataDir);
    // Only the one started after the restart is left.
    expect(third.stderr()).toContain("1 live chains resumed");
    expect((await author(third, token).raw(`/api/jobs/${chain.id}/live`)).status).toBe(404);
    third.child.kill("SIGKILL");
  }, 180_000);

  it("drops stored chains that are not chains, each with a warning naming why, and resumes the one that is", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-live-forged-"));
    const first = await spawn(dataDir);
    const token = first.token as string;
    const a = author(first, token);
    const v1 = await a.upload(SP500_TEXT, "live");
    const other = await a.upload(SP500_TEXT, "other");
    const chain = await json<JobView>(a.submit(v1.id, SMA_SPEC, true));
    const small = await json<JobView>(a.submit(v1.id, SMALL_SMA_SPEC));
    const elsewhere = await json<JobView>(a.submit(other.id, SMA_SPEC));
    const plain = await json<JobView>(a.submit(v1.id, SMA_SPEC));
    first.child.kill("SIGKILL");
    await first.exited;

    const db = new Database(join(dataDir, "shoal.db"));
    const forge = db.prepare("INSERT INTO live_chains (id, owner, current, last, created_at) VALUES (?, ?, ?, ?, '2024-01-01T00:00:00.000Z')");
    forge.run(plain.id, "h", small.id, null); // its current job runs another spec
    forge.run(elsewhere.id, "h", elsewhere.id, plain.id); // its last job is on a dataset that is not a version of its first's
    forge.run(small.id, "x".repeat(10_000), small.id, null); // an owner no token hash is
    db.pragma("foreign_keys = OFF");
    forge.run("j_forged", "h", "j_forged", null); // no such job
    db.close();

    const second = await spawn(dataDir);
    const log = second.stderr();
    expect(log).toContain(`live chain ${plain.id} dropped: its current job ${small.id} runs another spec than its first job`);
    expect(log).toContain(`live chain ${elsewhere.id} dropped: its last job ${plain.id} runs on a dataset that is not a version of its first job's`);
    expect(log).toContain(`live chain ${small.id} dropped: its owner is not a token hash of at most 128 characters`);
    expect(log).toContain("live chain j_forged dropped: its first job j_forged does not exist");
    expect(log).toContain("1 live chains resumed");
    const b = author(second, token);
    expect((await b.raw(`/api/jobs/${plain.id}/live`)).status).toBe(404);
    const resumed = readEvents(await b.raw(`/api/jobs/${chain.id}/live`), (event) => event === "stopped");
    expect(await json<unknown>(b.raw(`/api/jobs/${chain.id}/live`, { method: "DELETE" }))).toEqual({ chain: chain.id, stopped: true });
    // Resumed with its first job still waiting for a volunteer: the stream names it as the rerun under way.
    expect((await resumed).map((e) => e.event)).toEqual(["running", "stopped"]);
    expect((await resumed)[0]!.data).toEqual({ chain: chain.id, version: 1, dataset: v1.id, jobId: chain.id });
    second.child.kill("SIGKILL");
    await second.exited;
    const check = new Database(join(dataDir, "shoal.db"), { readonly: true });
    expect(check.prepare("SELECT count(*) AS n FROM live_chains").get()).toEqual({ n: 0 });
    check.close();
  }, 120_000);
});
