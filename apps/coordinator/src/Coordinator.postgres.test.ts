import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetView, JobView, Json } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import { runShoal } from "../../cli/test/runShoal.ts";
import { shoalRunSma, SMA_SPEC, SP500_CSV } from "./testing/fixtures.ts";
import { ProtocolClient } from "./testing/ProtocolClient.ts";
import type { SpawnedCoordinator } from "./testing/spawnCoordinator.ts";
import { spawnCoordinator as spawnChild } from "./testing/spawnCoordinator.ts";
import type { TestPostgres } from "./testing/startPostgres.ts";
import { startPostgres } from "./testing/startPostgres.ts";
import { json } from "./testing/startTestCoordinator.ts";
import type { TestWire } from "./testing/TestWorker.ts";
import { TestWorker } from "./testing/TestWorker.ts";

const children: ChildProcess[] = [];
let cluster: TestPostgres;

beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(() => {
  children.forEach((child) => child.kill("SIGKILL"));
  cluster?.stop();
});

async function spawnCoordinator(dataDir: string, store: string): Promise<SpawnedCoordinator> {
  const spawned = await spawnChild(dataDir, ["--store", store, "--lease-ttl", "2s"]);
  children.push(spawned.child);
  return spawned;
}

async function wire(url: string): Promise<{ client: ProtocolClient; wire: TestWire }> {
  const client = await ProtocolClient.connect(`${url.replace(/^http/, "ws")}/ws`);
  return { client, wire: { send: (text) => client.sendRaw(text), onMessage: (listener) => client.socket.on("message", (d) => listener(String(d))) } };
}

describe("a coordinator on PostgreSQL", () => {
  it("killed with SIGKILL mid-job, restarts on the same database (taking its job over once the lease lapses) and finishes with shoal run's result; rides out the database going down", async () => {
    const reference = shoalRunSma();
    const store = await cluster.createDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-pg-restart-"));
    const first = await spawnCoordinator(dataDir, store);
    const token = first.token as string;
    expect(token).toMatch(/^shoal_/);
    // The store is in PostgreSQL: the data directory holds shards only.
    expect(existsSync(join(dataDir, "shoal.db"))).toBe(false);
    const dataset = (await json<DatasetView>(first.api("/api/datasets?name=sp500", token, { method: "POST", body: SP500_CSV }))).id;
    const job = await json<JobView>(first.api("/api/jobs", token, { method: "POST", body: JSON.stringify({ dataset, spec: SMA_SPEC }) }));

    const { client, wire: firstWire } = await wire(first.url);
    const worker = new TestWorker(firstWire, { delayMs: 20 });
    const peerId = await worker.start();
    while (worker.sent.length < 15) await new Promise((resolve) => setTimeout(resolve, 10));
    first.child.kill("SIGKILL");
    await client.closed;
    worker.disconnected();

    const second = await spawnCoordinator(dataDir, store);
    expect(second.token).toBeUndefined();
    // The new process is another node: it owns the job once the dead one's lease lapses (--lease-ttl 2s) and it takes it over from the log.
    let midway = await json<JobView>(second.api(`/api/jobs/${job.id}`, token));
    for (let i = 0; i < 600 && midway.results.accepted === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      midway = await json<JobView>(second.api(`/api/jobs/${job.id}`, token));
    }
    expect(midway.status).toMatch(/queued|running/);
    expect(midway.results.accepted).toBeGreaterThan(0);
    const { wire: secondWire } = await wire(second.url);
    expect(await worker.reconnect(secondWire)).toBe(peerId);
    let view = midway;
    for (let i = 0; i < 1200 && view.status !== "done"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = await json<JobView>(second.api(`/api/jobs/${job.id}`, token));
    }
    expect(view).toMatchObject({ status: "done", tasks: { total: 56, done: 56 }, results: { accepted: 56 } });
    const result = await json<Json>(second.api(`/api/jobs/${job.id}/result`, token));
    expect(canonicalJson(result)).toBe(await reference);

    // The database goes down under the running coordinator: requests fail, and succeed again once it is back.
    cluster.kill();
    expect((await second.api(`/api/jobs/${job.id}/result`, token)).ok).toBe(false);
    cluster.restart();
    expect(await json<Json>(second.api(`/api/jobs/${job.id}/result`, token))).toEqual(result);
    second.child.kill("SIGKILL");
  }, 240_000);
});

describe("shoal coordinator --store, hostile", () => {
  it("refuses a URL that is not PostgreSQL's, or too long, as a usage error before connecting", async () => {
    const notPg = await runShoal(["coordinator", "--port", "0", "--no-webrtc", "--store", "mysql://root:hunter2@127.0.0.1/shoal"]);
    expect(notPg.code).toBe(2);
    expect(notPg.stderr).toMatch(/--store: 'mysql:\/\/root:\*\*\*@127\.0\.0\.1\/shoal' is not a PostgreSQL URL/);
    expect(notPg.stderr).not.toContain("hunter2");
    const long = await runShoal(["coordinator", "--port", "0", "--no-webrtc", "--store", `postgres://h/${"x".repeat(3000)}`]);
    expect(long.code).toBe(2);
    expect(long.stderr).toMatch(/longer than 2048 characters/);
  }, 60_000);

  it("exits 1 with one line on a wrong password, never printing the password", async () => {
    const url = (await cluster.createDatabase()).replace(`:${cluster.password}@`, ":wrong-secret-pw@");
    const run = await runShoal(["coordinator", "--port", "0", "--no-webrtc", "--data-dir", mkdtempSync(join(tmpdir(), "shoal-pg-bad-")), "--store", url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^shoal: cannot open the PostgreSQL store at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/shoal_\w+: password authentication failed/);
    expect(run.stderr).not.toContain("wrong-secret-pw");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  }, 60_000);

  it("exits 1 naming the database when it is down", async () => {
    const url = await cluster.createDatabase();
    cluster.kill();
    try {
      const run = await runShoal(["token", "create", "--store", url]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^shoal: cannot open the PostgreSQL store at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/shoal_\w+: .*ECONNREFUSED/);
      expect(run.stderr).not.toContain(cluster.password);
    } finally {
      cluster.restart();
    }
    const made = await runShoal(["token", "create", "--store", url]);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^shoal_/);
  }, 60_000);
});
