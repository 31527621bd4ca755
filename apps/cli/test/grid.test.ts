import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JobView, PeerView } from "@shoal/client";
import { ShoalClient } from "@shoal/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstDifference, runShoal } from "./runShoal.ts";
import { ShoalProcess } from "./shoalProcess.ts";

/*
 * The grid end to end, with real processes on loopback: a coordinator (SQLite in a temp dir),
 * Node volunteers over WebSocket and WebRTC, and `shoal submit`, checked against `shoal run`.
 */

const SWEEP = [
  "examples/sma-crossover.lua",
  "--data",
  "public/datasets/sp500.csv",
  "--param",
  "fast=5,10,20,50",
  "--param",
  "slow=50,100,150,200",
  "--split",
  "rows=500",
  "--halo",
  "250",
];
/** The same sweep cut finer, one point per task: 889 tasks, long enough to break things in the middle. */
const FINE = [...SWEEP.slice(0, 7), "--split", "rows=100", "--halo", "250", "--batch", "1"];

const dataDir = mkdtempSync(join(tmpdir(), "shoal-grid-"));
const spawned: ShoalProcess[] = [];
let coordinator: ShoalProcess;
let url = "";
let token = "";
let client: ShoalClient;
let expected: unknown;

function start(args: string[], env?: Record<string, string>): ShoalProcess {
  const process = new ShoalProcess(args, env);
  spawned.push(process);
  return process;
}

async function startCoordinator(port: number): Promise<ShoalProcess> {
  const p = start(["coordinator", "--port", String(port), "--data-dir", dataDir]);
  await p.waitFor(/coordinator: (http:\/\/\S+)/);
  return p;
}

function startWorker(transport: "ws" | "webrtc", extra: string[] = []): ShoalProcess {
  return start(["worker", "--coordinator", url, "--threads", "1", "--transport", transport, "--status-every", "1h", ...extra]);
}

function submit(args: string[]): ShoalProcess {
  return start(["submit", "--coordinator", url, "--token", token, ...args]);
}

async function finished(p: ShoalProcess): Promise<unknown> {
  const code = await p.exited;
  expect(p.stderr, p.stderr).not.toMatch(/error/i);
  expect(code).toBe(0);
  return JSON.parse(p.stdout);
}

async function jobOf(p: ShoalProcess): Promise<string> {
  return (await p.waitFor(/submitted job (\S+):/))[1]!;
}

/** Resolves once `predicate` holds for the job, polling its view. */
async function jobReaches(id: string, predicate: (job: JobView) => boolean, timeoutMs = 60_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.getJob(id).catch(() => undefined);
    if (job && predicate(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} did not get there: ${JSON.stringify(job?.tasks)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function peerIdOf(worker: ShoalProcess): Promise<string> {
  const matches = [...worker.stderr.matchAll(/connected to the coordinator over \S+ as (\S+)[ \n]/g)];
  return matches.at(-1)?.[1] ?? (await worker.waitFor(/connected to the coordinator over \S+ as (\S+)[ \n]/))[1]!;
}

beforeAll(async () => {
  const baseline = runShoal(["run", ...SWEEP, "--threads", "1"]);
  coordinator = await startCoordinator(0);
  url = (await coordinator.waitFor(/coordinator: (http:\/\/\S+) /))[1]!;
  token = (await coordinator.waitFor(/author token[^:]*: (\S+)\n/))[1]!;
  client = new ShoalClient({ url, token });
  const workers = [startWorker("ws"), startWorker("ws"), startWorker("webrtc")];
  await Promise.all(workers.map((w) => w.waitFor(/connected to the coordinator/)));
  const run = await baseline;
  expect(run.code).toBe(0);
  expected = JSON.parse(run.stdout);
}, 90_000);

afterAll(async () => {
  await Promise.all(spawned.map((p) => p.kill9()));
});

describe("the grid: shoal submit with Node volunteers", () => {
  it("prints what shoal run prints for the SMA sweep, with volunteers over WebSocket and WebRTC", async () => {
    const result = await finished(submit(SWEEP));
    expect(firstDifference(expected, result)).toBeUndefined();
    const peers: PeerView[] = await client.listPeers();
    expect(peers.map((p) => p.transport).sort()).toEqual(["webrtc", "ws", "ws"]);
  });

  it("runs a wasmoon job split by time with a halo to what shoal run --engine wasmoon prints unsplit", async () => {
    const job = [...SWEEP.slice(0, 7), "--engine", "wasmoon"];
    const unsplit = runShoal(["run", ...job, "--threads", "1"]);
    const p = submit([...job, "--split", "window=52w", "--halo", "250"]);
    const id = await jobOf(p);
    const result = await finished(p);
    expect((await client.getJob(id)).spec).toMatchObject({ engine: "wasmoon", split: { kind: "window" }, halo: 250 });
    const run = await unsplit;
    expect(run.code, run.stderr).toBe(0);
    expect(firstDifference(JSON.parse(run.stdout), result)).toBeUndefined();
    expect((await client.listPeers()).map((peer) => peer.engines)).toEqual([...Array(3)].map(() => ["fengari", "wasmoon", "compiled"]));
  });

  it("skips the upload the second time and gives the same result with one point per task", async () => {
    const p = submit(FINE);
    const result = await finished(p);
    expect(p.stderr).toMatch(/the coordinator already has/);
    expect(firstDifference(expected, result)).toBeUndefined();
    const webrtc = (await client.listPeers()).find((peer) => peer.transport === "webrtc");
    expect(webrtc?.tasksDone).toBeGreaterThan(0);
  });

  it("still gets the same result when a volunteer is killed -9 in the middle of the job", async () => {
    const victim = spawned.find((p) => p.running && p.child.spawnargs.includes("worker") && p.child.spawnargs.includes("ws"))!;
    const p = submit(FINE);
    const id = await jobOf(p);
    await jobReaches(id, (job) => job.tasks.done >= 20 && job.tasks.running > 0);
    await victim.kill9();
    const result = await finished(p);
    expect(firstDifference(expected, result)).toBeUndefined();
    startWorker("ws");
  });

  it("survives a kill -9 of the coordinator: volunteers and submit reconnect, no result counts twice", async () => {
    const port = new URL(url).port;
    const p = submit(FINE);
    const id = await jobOf(p);
    await jobReaches(id, (job) => job.tasks.done >= 40 && job.tasks.done < job.tasks.total - 40);
    await coordinator.kill9();
    coordinator = await startCoordinator(Number(port));
    const result = await finished(p);
    expect(firstDifference(expected, result)).toBeUndefined();
    const job = await client.getJob(id);
    expect(job.status).toBe("done");
    expect(job.tasks.done).toBe(job.tasks.total);
    expect(job.results.accepted).toBe(job.tasks.total);
    // All three volunteers come back; the WebRTC one may land on its WebSocket fallback if it tries
    // before the restarted coordinator's own PeerJS peer has registered, which is by design.
    await eventually(async () => (await client.listPeers()).length === 3);
  });

  it("reports a Lua runtime error on the grid as shoal run does: job.lua:LINE, traceback, exit 1", async () => {
    const job = join(dataDir, "boom.lua");
    writeFileSync(job, "local function f(x)\n  return x.y.z\nend\nfunction map(series, p)\n  return f({})\nend\n");
    const p = submit([job, "--data", "public/datasets/sp500.csv"]);
    expect(await p.exited).toBe(1);
    expect(p.stderr).toMatch(/^job\.lua:2: attempt to index a nil value/m);
    expect(p.stderr).toMatch(/traceback/);
    expect(p.stdout).toBe("");
  });

  it("exits 2 naming the line of a bad CSV row, as the coordinator reports it", async () => {
    const data = join(dataDir, "bad.csv");
    writeFileSync(data, "date,close\n2020-01-01,1\n2020-01-02,abc\n");
    const p = submit(["examples/sma-crossover.lua", "--data", data]);
    expect(await p.exited).toBe(2);
    expect(p.stderr).toMatch(/bad\.csv: line 3: /);
  });

  it("exits 2 with the coordinator's refusal of a job past its limits, naming the limit and the job's figure", async () => {
    const values = Array.from({ length: 300 }, (_, i) => i).join(",");
    const p = submit(["examples/sma-crossover.lua", "--data", "public/datasets/sp500.csv", "--param", `fast=${values}`, "--split", "rows=1", "--batch", "1"]);
    expect(await p.exited).toBe(2);
    expect(p.stderr).toMatch(/this job would plan 1,531,500 tasks \(5,105 slices of the data × 300 points\); the limit is 100,000 per job/);
  });

  it("outvotes a lying volunteer with 2 replicas and quorum 2, which loses reputation and is refused", async () => {
    const liar = startWorker("ws", ["--lie"]);
    const liarId = await peerIdOf(liar);
    const p = submit([...FINE, "--replicas", "2", "--quorum", "2"]);
    const result = await finished(p);
    expect(firstDifference(expected, result)).toBeUndefined();
    expect(await liar.exited).toBe(1);
    // The refusal names its cause, the quorums the liar lost; polling /api/peers for its losses
    // raced the refusal, which drops the peer from the list (missed once on a loaded CI run).
    expect(liar.stderr).toMatch(new RegExp(`refused by the coordinator.*peer ${liarId} is refused: its results lost too many quorums`));
    expect((await client.listPeers()).some((peer) => peer.id === liarId)).toBe(false);
  });
});
