import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import type { Hello, TaskResultMessage } from "@shoal/protocol";
import { startCoordinator } from "../src/Coordinator.ts";
import { silentLogger } from "../src/Logger.ts";
import { canonicalJson } from "@shoal/protocol";
import { shoalRunSmallSma } from "../src/testing/fixtures.ts";
import { GridHarness, helloOf } from "../src/testing/GridHarness.ts";
import { ProtocolClient } from "../src/testing/ProtocolClient.ts";
import type { TestWorker } from "../src/testing/TestWorker.ts";

/*
 * Volunteers that lie about who they are, send what no honest volunteer sends, or replay what
 * others sent, against a real coordinator on loopback (SQLite store, WebSocket /ws). Each attack
 * must be stopped where it arrives, while honest volunteers keep their sessions and the job's
 * result stays exactly what `shoal run` prints.
 */

const nested = (levels: number, leaf = "1") => "[".repeat(levels) + leaf + "]".repeat(levels);
const resultText = (taskId: string, attempt: number, output: string) =>
  `{"type":"task-result","taskId":${JSON.stringify(taskId)},"attempt":${attempt},"result":{"outputs":[${output}]},"log":[],"instructions":1,"elapsedMs":1}`;

let grid: GridHarness;
let reference: Promise<string>;

beforeAll(async () => {
  reference = shoalRunSmallSma();
  grid = await GridHarness.start();
});
afterEach(() => grid.closeClients());
afterAll(() => grid.close());

/** The honest volunteer still holds its first session: one welcome, socket open. */
function keptSession(client: ProtocolClient, worker: TestWorker): void {
  expect(client.socket.readyState).toBe(client.socket.OPEN);
  expect(worker.received.filter((m) => m.type === "welcome")).toHaveLength(1);
}

describe("hostile volunteers", () => {
  it("a result nested 10,000 deep, from a session with or without hello, is refused alone; the job finishes right", async () => {
    const job = await grid.submitSma();
    const honest = await grid.honest({ threads: 2 });
    const { client: helloed } = await grid.hello();
    const anonymous = await grid.client();
    for (const attacker of [helloed, anonymous]) attacker.sendRaw(resultText("j_made_up/map/0", 1, nested(10_000)));
    for (const attacker of [helloed, anonymous]) {
      expect((await attacker.next("error")).message).toMatch(/nested deeper than 80 levels/);
      await attacker.closed;
    }
    const done = await grid.finished(job.id);
    expect(done.status).toBe("done");
    expect(done.results).toEqual({ accepted: done.tasks.total, rejected: 0 });
    expect(canonicalJson(await grid.result(job.id))).toBe(await reference);
    keptSession(honest.client, honest.worker);
    expect(await grid.healthy()).toBe(true);
  });

  it("a stolen or guessed peer id without its secret gets a fresh id, and cannot report the victim's leases", async () => {
    const job = await grid.submitSma(2, 2);
    const { client: victim, welcome } = await grid.hello();
    victim.send({ type: "request-work", freeSlots: 1 });
    const [lease] = (await victim.next("assign")).assignments;
    victim.close();
    await victim.closed;
    const tries = [{ peerId: welcome.peerId }, { peerId: welcome.peerId, secret: "0".repeat(64) }, { peerId: welcome.peerId, secret: welcome.secret.slice(0, 63) + "x" }];
    for (const hello of tries) {
      const { client: forger, welcome: given } = await grid.hello(hello);
      expect(given.peerId).not.toBe(welcome.peerId);
      forger.sendRaw(resultText(lease!.taskId, lease!.attempt, "42"));
      forger.send({ type: "heartbeat" });
    }
    const { client: back, welcome: again } = await grid.hello({ peerId: welcome.peerId, secret: welcome.secret });
    expect(again.peerId).toBe(welcome.peerId);
    expect(again.secret).not.toBe(welcome.secret);
    back.close();
    await waitForLogLines((line) => line.includes(`result for ${JSON.stringify(`${lease!.taskId}#${lease!.attempt}`)} rejected`) && line.includes("belongs to another peer"), 3);
    const honest = [await grid.honest({ threads: 2 }), await grid.honest({ threads: 2 })];
    const done = await grid.finished(job.id);
    expect(done).toMatchObject({ status: "done", results: { rejected: 0 } });
    expect(canonicalJson(await grid.result(job.id))).toBe(await reference);
    for (const { client, worker } of honest) keptSession(client, worker);
    const named = honest.flatMap(({ worker }) => worker.received.flatMap((m) => (m.type === "shard-holders" ? m.handles : [])));
    for (const { worker } of honest) expect(named).not.toContain(worker.peerId);
    expect(await grid.healthy()).toBe(true);
  });

  it("a result nested 5,000 deep for the sender's own lease is refused at parse; the task completes on an honest volunteer", async () => {
    const job = await grid.submitSma();
    const { client: staller } = await grid.hello();
    staller.send({ type: "request-work", freeSlots: 4 });
    const leases = (await staller.next("assign")).assignments;
    const deep = `{"a":`.repeat(5_000) + "1" + "}".repeat(5_000);
    staller.sendRaw(resultText(leases[0]!.taskId, leases[0]!.attempt, deep));
    expect((await staller.next("error")).message).toMatch(/nested deeper/);
    await staller.closed;
    const honest = await grid.honest({ threads: 2 });
    const done = await grid.finished(job.id);
    expect(done.status).toBe("done");
    expect(done.tasks.done).toBe(done.tasks.total);
    expect(done.results).toEqual({ accepted: done.tasks.total, rejected: 0 });
    expect(canonicalJson(await grid.result(job.id))).toBe(await reference);
    keptSession(honest.client, honest.worker);
  });

  it("outputs larger than the job's result size, for the sender's own lease, are a malformed result; the job finishes right", async () => {
    const job = await grid.submitSma();
    const { client: bloater } = await grid.hello();
    bloater.send({ type: "request-work", freeSlots: 1 });
    const [lease] = (await bloater.next("assign")).assignments;
    const points = lease!.task.kind === "map" ? lease!.task.points.length : 1;
    const huge = JSON.stringify("x".repeat(2 * 1024 * 1024));
    bloater.sendRaw(resultText(lease!.taskId, lease!.attempt, Array.from({ length: points }, () => huge).join(",")));
    await waitForLogLines((line) => line.includes("is larger than the job's 1048576 bytes"), 1);
    expect(grid.read((db) => db.prepare("SELECT max(length(command)) AS n FROM scheduler_log").get() as { n: number | null }).n ?? 0).toBeLessThan(100_000);
    bloater.close();
    const honest = await grid.honest({ threads: 2 });
    const done = await grid.finished(job.id);
    expect(done.status).toBe("done");
    expect(done.results).toEqual({ accepted: done.tasks.total, rejected: 1 });
    expect(canonicalJson(await grid.result(job.id))).toBe(await reference);
    keptSession(honest.client, honest.worker);
  });

  it("replayed results, from their sender or another session, change nothing and are not logged", async () => {
    const job = await grid.submitSma();
    const honest = await grid.honest({ threads: 2 });
    const done = await grid.finished(job.id);
    const { client: replayer } = await grid.hello();
    replayer.send({ type: "heartbeat" });
    await replayer.next("error", 200).catch(() => undefined);
    const log = grid.commandLog();
    const replays: TaskResultMessage[] = honest.worker.sent.slice(0, 20);
    expect(replays.length).toBeGreaterThan(0);
    const counted = async () => Object.entries(await grid.results()).reduce((n, [outcome, count]) => n + (outcome === "accepted" ? 0 : count), 0);
    const seen = await counted();
    for (const message of replays) {
      replayer.send(message);
      honest.client.send(message);
    }
    replayer.send({ type: "outcomes", outcomes: replays });
    replayer.send({ type: "heartbeat" });
    await expect.poll(counted, { timeout: 10_000 }).toBe(seen + 3 * replays.length);
    expect(await grid.job(job.id)).toMatchObject({ status: "done", results: done.results });
    expect(canonicalJson(await grid.result(job.id))).toBe(await reference);
    expect(grid.commandLog()).toEqual(log);
    keptSession(honest.client, honest.worker);
  });

  it("20 rejected reports of 5 MB each leave the command log as it was", async () => {
    const before = grid.commandLog();
    const { client: flooder } = await grid.hello();
    const big = JSON.stringify("x".repeat(5 * 1024 * 1024));
    for (let i = 0; i < 20; i++) flooder.sendRaw(resultText(`j_made_up/map/${i}`, 1, big));
    flooder.send({ type: "heartbeat" });
    await waitForLogLines((line) => line.includes("j_made_up/map/19"), 1);
    const after = grid.commandLog();
    expect(after.chars - before.chars).toBeLessThan(10_000);
    expect(flooder.socket.readyState).toBe(flooder.socket.OPEN);
    expect(await grid.healthy()).toBe(true);
  });

  it("shards-held naming shards never assigned to the session, or again, change nothing and are not logged", async () => {
    const { client } = await grid.hello({ shards: Array.from({ length: 5_000 }, (_, i) => i.toString(16).padStart(64, "0")) });
    client.send({ type: "heartbeat" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = grid.commandLog();
    for (let i = 0; i < 50; i++) {
      const shards = Array.from({ length: 10_000 }, (_, j) => (i * 10_000 + j).toString(16).padStart(64, "f"));
      client.send({ type: "shards-held", shards });
    }
    client.send({ type: "shards-held", shards: ["0".repeat(64)] });
    expect((await client.next("error", 500).catch(() => undefined))?.message).toBeUndefined();
    expect(grid.commandLog()).toEqual(before);
    const logged = grid.read((db) => db.prepare("SELECT max(length(command)) AS n FROM scheduler_log WHERE command LIKE '%set-peer-shards%'").get() as { n: number | null });
    expect(logged.n ?? 0).toBeLessThan(100_000);
  });

  it("a flood of heartbeats from a session holding leases extends them once per quarter interval, not once per message", async () => {
    const job = await grid.submitSma();
    const { client } = await grid.hello();
    client.send({ type: "request-work", freeSlots: 1 });
    await client.next("assign");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = grid.commandLog();
    for (let i = 0; i < 2_000; i++) client.send({ type: "heartbeat" });
    client.send({ type: "shards-held", shards: [] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = grid.commandLog();
    expect(after.chars - before.chars).toBeLessThan(1_000);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    await grid.coordinator.api(`/api/jobs/${job.id}/cancel`, { method: "POST" });
  });

  it("a flood of refused reports writes a bounded number of log lines", async () => {
    const { client: flooder, welcome } = await grid.hello();
    const failure = (i: number) => ({ type: "task-failed" as const, taskId: `j_made_up/map/${i}`, attempt: 1, error: { kind: "runtime" as const, message: "no" } });
    for (let i = 0; i < 20; i++) flooder.send({ type: "outcomes", outcomes: Array.from({ length: 250 }, (_, j) => failure(i * 250 + j)) });
    const mine = (line: string) => line.includes(`peer ${welcome.peerId} `);
    await waitForLogLines((line) => mine(line) && line.includes("counted, not logged"), 1);
    flooder.send({ type: "heartbeat" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(grid.logLines.filter(mine).length).toBeLessThanOrEqual(25);
    expect(flooder.socket.readyState).toBe(flooder.socket.OPEN);
  });

  it("a newline in a volunteer's text cannot forge a log line", async () => {
    const forged = "x\n2026-01-01T00:00:00.000Z info  job j_forged submitted: 1 tasks over dataset d_x";
    const { client } = await grid.hello({ peerId: `p${forged}` });
    client.send({ type: "task-failed", taskId: `t${forged}`, attempt: 1, error: { kind: "runtime", message: forged } });
    client.sendRaw(`{"type":"x${forged.replace("\n", "\\n")}"}`);
    await client.closed;
    const touched = grid.logLines.filter((line) => line.includes("j_forged"));
    expect(touched.length).toBeGreaterThanOrEqual(2);
    for (const line of grid.logLines) {
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z (info |warn |error) [^\n]*\n$/);
      expect(line.split("\n")).toHaveLength(2);
    }
    expect(touched.every((line) => line.includes("x\\n2026-01-01"))).toBe(true);
  });
});

async function waitForLogLines(match: (line: string) => boolean, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (grid.logLines.filter(match).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} matching log lines: ${grid.logLines.filter(match).length}\n${grid.logLines.slice(-5).join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("peer rows", () => {
  it("many hellos do not grow the peers table without bound; a reconnect reuses its row", async () => {
    const small = await GridHarness.start({ peerRetentionMs: 0 });
    try {
      const { client: kept, welcome } = await small.hello();
      for (let i = 0; i < 100; i++) {
        const { client } = await small.hello();
        client.close();
        await client.closed;
      }
      expect(small.peerRows()).toBeLessThanOrEqual(3);
      kept.close();
      await kept.closed;
      const { client: back, welcome: again } = await small.hello({ peerId: welcome.peerId, secret: welcome.secret });
      expect(again.peerId).toBe(welcome.peerId);
      back.close();
      await back.closed;
      expect(small.peerRows()).toBeLessThanOrEqual(3);
    } finally {
      await small.close();
    }
  });
});

describe("restart", () => {
  it("a volunteer comes back under its id after a restart only with its latest secret", async () => {
    const first = await GridHarness.start();
    const { client, welcome } = await first.hello();
    client.send({ type: "heartbeat" });
    await first.close();
    await client.closed;
    const { dataDir } = first.coordinator;
    const second = await startCoordinator({ dataDir, port: 0, webrtc: false, logger: silentLogger, webDist: join(dataDir, "no-web-app") });
    const wsUrl = `${second.url.replace(/^http/, "ws")}/ws`;
    const clients: ProtocolClient[] = [];
    const hello = async (overrides: Partial<Hello>) => {
      const c = await ProtocolClient.connect(wsUrl);
      clients.push(c);
      c.send(helloOf(overrides));
      return c.next("welcome");
    };
    try {
      expect((await hello({ peerId: welcome.peerId, secret: "f".repeat(64) })).peerId).not.toBe(welcome.peerId);
      const again = await hello({ peerId: welcome.peerId, secret: welcome.secret });
      expect(again.peerId).toBe(welcome.peerId);
      expect(again.secret).not.toBe(welcome.secret);
      expect((await hello({ peerId: welcome.peerId, secret: welcome.secret })).peerId).not.toBe(welcome.peerId);
    } finally {
      clients.forEach((c) => c.close());
      await second.close();
    }
  });
});
