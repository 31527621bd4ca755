import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { firstDifference, runShoal } from "./runShoal.ts";
import { ShoalProcess } from "./shoalProcess.ts";

/*
 * A coordinator started with --no-webrtc hosts no signalling server: /peerjs answers 404. Its
 * volunteers must run without peer shard exchange (saying so once) and get shards over HTTP,
 * instead of dying of the 404 their shard peer's WebSocket upgrade gets. Real processes on loopback.
 */

const JOB = ["examples/sma-crossover.lua", "--data", "public/datasets/sp500.csv", "--param", "fast=5,10", "--param", "slow=50,100", "--split", "rows=500", "--halo", "250"];
const spawned: ShoalProcess[] = [];

function start(args: string[]): ShoalProcess {
  const p = new ShoalProcess(args);
  spawned.push(p);
  return p;
}

afterAll(async () => {
  await Promise.all(spawned.map((p) => p.kill9()));
});

describe("shoal worker against shoal coordinator --no-webrtc", () => {
  it.each(["ws", "webrtc"])("runs over --transport %s without peer shard exchange, says so once, fetches shards over HTTP and gives shoal run's result", async (transport) => {
    const baseline = runShoal(["run", ...JOB, "--threads", "1"]);
    const coordinator = start(["coordinator", "--port", "0", "--data-dir", mkdtempSync(join(tmpdir(), "shoal-nowebrtc-")), "--no-webrtc"]);
    const url = (await coordinator.waitFor(/coordinator: (http:\/\/\S+) /))[1]!;
    const token = (await coordinator.waitFor(/author token[^:]*: (\S+)\n/))[1]!;
    const worker = start(["worker", "--coordinator", url, "--threads", "1", "--transport", transport, "--status-every", "1h"]);
    await worker.waitFor(/no peer shard exchange: .*no signalling server \(HTTP 404 at \/peerjs.*shards come over HTTP/);

    const submit = start(["submit", "--coordinator", url, "--token", token, ...JOB]);
    expect(await submit.exited).toBe(0);
    const run = await baseline;
    expect(run.code).toBe(0);
    expect(firstDifference(JSON.parse(run.stdout), JSON.parse(submit.stdout))).toBeUndefined();

    worker.child.kill("SIGINT");
    expect(await worker.exited).toBe(0);
    expect(worker.stderr + worker.stdout).toMatch(/shards [1-9]\d* held \([\d.]+ MB\), [1-9]\d* via HTTP, 0 from peers/);
    expect((worker.stderr + worker.stdout).match(/no peer shard exchange/g)).toHaveLength(1);
    expect(worker.stderr + worker.stdout).not.toMatch(/Unexpected server response|Unhandled|uncaught/i);
  }, 120_000);
});
