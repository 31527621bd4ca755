import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Assignment, JobSpec, ShardHash } from "@shoal/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { mapTask, meanJob, testSeries, testShard } from "../testing/fixtures.ts";
import { InlineExecutor } from "../volunteer/InlineExecutor.ts";
import { NodeVolunteer } from "./NodeVolunteer.ts";
import type { NodeVolunteerOptions } from "./NodeVolunteer.ts";
import type { FakeCoordinatorServer } from "./testing/startFakeCoordinatorServer.ts";
import { startFakeCoordinatorServer } from "./testing/startFakeCoordinatorServer.ts";

const shard = await testShard(testSeries("AAA", 500));
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function server(): Promise<FakeCoordinatorServer> {
  const s = await startFakeCoordinatorServer();
  s.shards.set(shard.hash, shard.bytes);
  cleanup.push(() => s.close());
  return s;
}

async function volunteer(s: FakeCoordinatorServer, options: Partial<NodeVolunteerOptions> = {}): Promise<{ v: NodeVolunteer; log: string[] }> {
  const log: string[] = [];
  const v = await NodeVolunteer.start({ coordinatorUrl: s.url, threads: 2, transport: "ws", peerShards: false, log: (l) => log.push(l), ...options });
  cleanup.push(() => v.stop());
  return { v, log };
}

function tasks(prefix: string, count: number): Assignment[] {
  return Array.from({ length: count }, (_, i) => ({
    taskId: `${prefix}${i}`,
    attempt: 1,
    jobId: "job-1",
    leaseDeadline: Date.now() + 60_000,
    task: mapTask("AAA", i * 50, i * 50 + 50, [1, 2, 3]),
    shard: shard.hash as ShardHash,
  }));
}

async function honest(spec: JobSpec, assignments: Assignment[]) {
  const inline = new InlineExecutor();
  const out = await Promise.all(assignments.map((a) => inline.run({ jobId: a.jobId, spec, task: a.task, shard })));
  await inline.close();
  return out.map((r) => ("outputs" in r ? r.outputs : []));
}

describe.each(["ws", "webrtc"] as const)("NodeVolunteer over %s", (transport) => {
  it("runs assignments on its thread pool and reports the same results as the in-process executor", async () => {
    const s = await server();
    const { v } = await volunteer(s, { transport });
    const spec = meanJob();
    const work = tasks("t", 8);
    s.coordinator.enqueue("job-1", spec, work);
    await s.coordinator.until(() => s.coordinator.messages("task-result").length === 8, 20_000);
    const got = new Map(s.coordinator.messages("task-result").map((m) => [m.taskId, "outputs" in m.result ? m.result.outputs : []]));
    expect(work.map((a) => got.get(a.taskId))).toEqual(await honest(spec, work));
    const status = await v.status();
    expect(status).toMatchObject({ state: "connected", transport, done: 8, shards: { http: 1, held: 1 } });
    expect([...s.coordinator.peers.values()][0]?.hello.engines).toEqual(["fengari", "wasmoon", "compiled"]);
    expect(s.shardGets.get(shard.hash)).toBe(1);
  });
});

describe("NodeVolunteer transports and shards", () => {
  it("falls back to the WebSocket when no coordinator answers over WebRTC", async () => {
    const s = await server();
    await s.closeCoordinatorPeer();
    const { v, log } = await volunteer(s, { transport: "webrtc", webrtcTimeoutMs: 2_000 });
    await s.coordinator.until(() => s.coordinator.peers.size === 1);
    await eventually(async () => (await v.status()).state === "connected");
    expect((await v.status()).transport).toBe("ws");
    expect(log.join("\n")).toMatch(/WebRTC did not connect/);
  });

  it("gets a shard from another volunteer the coordinator names as a holder, not over HTTP", { timeout: 90_000 }, async () => {
    const s = await server();
    // Generous limits: under a loaded CI machine a WebRTC dial can take seconds, and a miss falls back to HTTP.
    const a = await volunteer(s, { peerShards: true, shardPeerTimeoutMs: 30_000 });
    s.coordinator.enqueue("job-1", meanJob(), tasks("a", 1));
    await s.coordinator.until(() => s.coordinator.messages("task-result").length === 1);
    const holder = (await a.v.status()).peerId!;
    const b = await volunteer(s, { peerShards: true, shardPeerTimeoutMs: 30_000 });
    await s.coordinator.until(() => s.coordinator.peers.size === 2);
    const other = [...s.coordinator.peers.keys()].find((id) => id !== holder)!;
    await eventually(async () => (await a.v.status()).shards.serving && (await b.v.status()).shards.serving, 30_000);
    s.coordinator.send(other, { type: "shard-holders", shard: shard.hash, handles: [`h-${holder}`] });
    s.coordinator.send(other, { type: "job", jobId: "job-1", spec: meanJob() });
    s.coordinator.send(other, { type: "assign", assignments: tasks("b", 1) });
    await s.coordinator.until(() => s.coordinator.messages("task-result").length === 2, 40_000);
    expect(b.log.filter((line) => line.includes("not got from peer"))).toEqual([]);
    expect((await b.v.status()).shards).toMatchObject({ peer: 1, http: 0 });
    expect(s.shardGets.get(shard.hash)).toBe(1);
  });

  it("keeps shards in --cache-dir across restarts and announces them in its hello", async () => {
    const s = await server();
    const cacheDir = await mkdtemp(join(tmpdir(), "shoal-cache-"));
    const first = await volunteer(s, { cacheDir });
    s.coordinator.enqueue("job-1", meanJob(), tasks("a", 1));
    await s.coordinator.until(() => s.coordinator.messages("task-result").length === 1);
    await first.v.stop();
    await volunteer(s, { cacheDir });
    await s.coordinator.until(() => s.coordinator.messages("hello").length === 2);
    expect(s.coordinator.messages("hello")[1]?.shards).toEqual([shard.hash]);
  });
});

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
