import type { DatasetView, JobView, Json, PeerView } from "@shoal/protocol";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { shoalRunSma, SMA_SPEC, SP500_CSV } from "./testing/fixtures.ts";
import { ProtocolClient } from "./testing/ProtocolClient.ts";
import type { TestWire } from "./testing/TestWorker.ts";
import { TestWorker } from "./testing/TestWorker.ts";
import { canonicalJson, PROTOCOL_VERSION } from "@shoal/protocol";
import type { SpawnedCoordinator } from "./testing/spawnCoordinator.ts";
import { spawnCoordinator as spawnChild } from "./testing/spawnCoordinator.ts";
import { json } from "./testing/startTestCoordinator.ts";

const children: ChildProcess[] = [];

/** Starts `shoal coordinator` as a child process on a free port and reads its URL (and token, on first start). */
async function spawnCoordinator(dataDir: string): Promise<SpawnedCoordinator> {
  const spawned = await spawnChild(dataDir);
  children.push(spawned.child);
  return spawned;
}

async function wire(url: string): Promise<{ client: ProtocolClient; wire: TestWire }> {
  const client = await ProtocolClient.connect(`${url.replace(/^http/, "ws")}/ws`);
  return { client, wire: { send: (text) => client.sendRaw(text), onMessage: (listener) => client.socket.on("message", (d) => listener(String(d))) } };
}

afterAll(() => children.forEach((child) => child.kill("SIGKILL")));

describe("a coordinator killed with SIGKILL mid-job", () => {
  it("restarts on the same data directory and finishes the job with the same result, no result counted twice", async () => {
    const reference = shoalRunSma();
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-restart-"));
    const first = await spawnCoordinator(dataDir);
    const token = first.token as string;
    expect(token).toMatch(/^shoal_/);
    const api = (base: string, path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${token}` } });
    const dataset = (await json<DatasetView>(api(first.url, "/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
    const job = await json<JobView>(api(first.url, "/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec: SMA_SPEC }) }));

    const { client, wire: firstWire } = await wire(first.url);
    const worker = new TestWorker(firstWire, { delayMs: 20 });
    const peerId = await worker.start();
    while (worker.sent.length < 15) await new Promise((resolve) => setTimeout(resolve, 10));
    first.child.kill("SIGKILL");
    await client.closed;
    worker.disconnected();

    const second = await spawnCoordinator(dataDir);
    expect(second.token).toBeUndefined();
    const midway = await json<JobView>(api(second.url, `/api/jobs/${job.id}`));
    expect(midway.status).toMatch(/queued|running/);
    expect(midway.results.accepted).toBeLessThanOrEqual(worker.sent.length);
    const { wire: secondWire } = await wire(second.url);
    expect(await worker.reconnect(secondWire)).toBe(peerId);
    let view = midway;
    // Assignments committed just before the kill that never reached the worker are released when it
    // comes back without them (the next test checks that on its own).
    for (let i = 0; i < 1200 && view.status !== "done"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = await json<JobView>(api(second.url, `/api/jobs/${job.id}`));
    }
    expect(view).toMatchObject({ status: "done", tasks: { total: 56, done: 56 }, results: { accepted: 56 } });
    const result = await json<Json>(api(second.url, `/api/jobs/${job.id}/result`));
    expect(canonicalJson(result)).toBe(await reference);

    second.child.kill("SIGTERM");
    expect(await new Promise((resolve) => second.child.on("exit", resolve))).toBe(0);
    const third = await spawnCoordinator(dataDir);
    expect(await json<Json>(api(third.url, `/api/jobs/${job.id}/result`))).toEqual(result);
    third.child.kill("SIGKILL");
  }, 120_000);

  it("re-queues at once the leases a returning volunteer does not name in its hello, keeping those it does", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-resume-"));
    const first = await spawnCoordinator(dataDir);
    const token = first.token as string;
    const dataset = (await json<DatasetView>(first.api("/api/datasets?name=sp500", token, { method: "POST", body: SP500_CSV }))).id;
    await json<JobView>(first.api("/api/jobs", token, { method: "POST", body: JSON.stringify({ dataset, spec: SMA_SPEC }) }));
    const before = await ProtocolClient.connect(`${first.url.replace(/^http/, "ws")}/ws`);
    before.send({ type: "hello", protocol: PROTOCOL_VERSION, threads: 4, engines: ["fengari"], shards: [] });
    const welcome = await before.next("welcome");
    before.send({ type: "request-work", freeSlots: 4 });
    const { assignments } = await before.next("assign");
    expect(assignments.length).toBeGreaterThanOrEqual(4);
    first.child.kill("SIGKILL");
    await before.closed;

    const second = await spawnCoordinator(dataDir);
    const after = await ProtocolClient.connect(`${second.url.replace(/^http/, "ws")}/ws`);
    const kept = assignments.slice(0, 2).map(({ taskId, attempt }) => ({ taskId, attempt }));
    after.send({ type: "hello", protocol: PROTOCOL_VERSION, peerId: welcome.peerId, secret: welcome.secret, threads: 4, engines: ["fengari"], shards: [], running: kept });
    expect((await after.next("welcome")).peerId).toBe(welcome.peerId);
    const peers = await json<PeerView[]>(second.api("/api/peers", token));
    expect(peers.find((p) => p.id === welcome.peerId)?.leases).toBe(kept.length);
    after.close();
    second.child.kill("SIGKILL");
  }, 60_000);
});
