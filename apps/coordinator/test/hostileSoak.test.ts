import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Welcome } from "@shoal/protocol";
import { hostileText, mutated, WORKER_FRAMES } from "@shoal/protocol/testing";
import { canonicalJson } from "@shoal/protocol";
import { shoalRunSmallSma } from "../src/testing/fixtures.ts";
import { GridHarness, helloOf } from "../src/testing/GridHarness.ts";
import type { ProtocolClient } from "../src/testing/ProtocolClient.ts";
import type { TestWorker } from "../src/testing/TestWorker.ts";

/*
 * A bounded soak: three hostile clients keep connecting to a real coordinator and sending random,
 * mutated and crafted frames while two honest volunteers run a `--replicas 2 --quorum 2` job.
 * The job must end with `shoal run`'s result, the honest volunteers with their first sessions.
 */

/** How long the hostile clients keep at it, at least (the job runs meanwhile). */
const ATTACK_MS = 4_000;
/** Frames one hostile session sends before it hangs up itself (leases it took are then re-queued). */
const FRAMES_PER_SESSION = 40;

interface Tally {
  frames: number;
  sessions: number;
  /** Sessions the coordinator answered with an `error` and closed. */
  refused: number;
}

const tally: Tally = { frames: 0, sessions: 0, refused: 0 };
let grid: GridHarness;
afterAll(() => grid?.close());

describe("hostile soak", () => {
  it("two honest volunteers finish a replicas-2 quorum-2 job right while three hostile clients send random and crafted frames", { timeout: 40_000 }, async () => {
    const reference = shoalRunSmallSma();
    grid = await GridHarness.start();
    const job = await grid.submitSma(2, 2);
    const honest: Array<{ client: ProtocolClient; worker: TestWorker }> = [];
    const started = Date.now();
    let over = false;
    const attackers = [1, 2, 3].map((seed) => attack(seed, job.id, honest, () => over));
    await new Promise((resolve) => setTimeout(resolve, 500));
    honest.push(await grid.honest({ delayMs: 100 }), await grid.honest({ delayMs: 100 }));
    const done = await grid.finished(job.id, 30_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ATTACK_MS - (Date.now() - started))));
    over = true;
    await Promise.all(attackers);

    expect(done.status, JSON.stringify(done.error)).toBe("done");
    expect(canonicalJson(await grid.result(job.id))).toBe(await reference);
    for (const { client, worker } of honest) {
      expect(client.socket.readyState).toBe(client.socket.OPEN);
      expect(worker.received.filter((m) => m.type === "welcome")).toHaveLength(1);
    }
    expect(await grid.healthy()).toBe(true);
    expect(tally.frames).toBeGreaterThan(100);
    expect(tally.refused).toBeGreaterThan(10);
    expect(tally.refused).toBeLessThanOrEqual(tally.sessions);
  });
});

/** One hostile client: session after session of random, mutated and crafted frames until `over()`. */
async function attack(seed: number, jobId: string, honest: ReadonlyArray<{ worker: TestWorker }>, over: () => boolean): Promise<void> {
  const random = fc.sample(fc.oneof(hostileText, mutated(WORKER_FRAMES).map((v) => JSON.stringify(v) ?? "null")), { numRuns: 300, seed });
  let next = 0;
  for (let session = 0; !over(); session++) {
    const client = await grid.client();
    tally.sessions++;
    let closed = false;
    void client.closed.then(() => (closed = true));
    const welcome = await greet(client, session, honest).catch(() => undefined);
    for (let i = 0; i < FRAMES_PER_SESSION && !closed && !over(); i++) {
      client.sendRaw(crafted(i + session, jobId, welcome, honest) ?? (random[next++ % random.length] as string));
      tally.frames++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (client.drain().some((m) => m.type === "error")) tally.refused++;
    client.close();
    await client.closed;
  }
}

/** Says hello as itself, or under an honest volunteer's id (without its secret), or not at all. */
async function greet(client: ProtocolClient, session: number, honest: ReadonlyArray<{ worker: TestWorker }>): Promise<Welcome | undefined> {
  if (session % 4 === 3) return undefined;
  const victim = honest[session % 2]?.worker.peerId;
  client.send(helloOf(session % 4 === 1 && victim ? { peerId: victim, secret: "0".repeat(64) } : {}));
  return client.next("welcome", 2_000);
}

/** Every few frames, a known attack instead of a random one. */
function crafted(i: number, jobId: string, welcome: Welcome | undefined, honest: ReadonlyArray<{ worker: TestWorker }>): string | undefined {
  const result = (taskId: string, attempt: number, output: string) =>
    `{"type":"task-result","taskId":${JSON.stringify(taskId)},"attempt":${attempt},"result":{"outputs":[${output}]},"log":[],"instructions":1,"elapsedMs":1}`;
  switch (i % 10) {
    case 1:
      return result(`${jobId}/map/${i % 6}`, 1 + (i % 3), "42");
    case 3:
      return result(`${jobId}/map/${i % 6}`, 1, "[".repeat(10_000) + "]".repeat(10_000));
    case 5:
      return JSON.stringify(honest[i % 2]?.worker.sent[0] ?? { type: "heartbeat" });
    case 7:
      return welcome ? JSON.stringify({ type: "request-work", freeSlots: 2 }) : undefined;
    case 8:
      return JSON.stringify({ type: "task-failed", taskId: `${jobId}/map/${i % 6}`, attempt: 1, error: { kind: "runtime", message: "x\nforged line" } });
    default:
      return undefined;
  }
}
