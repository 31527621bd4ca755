import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import { readEvents, shoalRunSma, SMA_SCRIPT, SMA_SPEC, SP500_CSV } from "../../testing/fixtures.ts";
import { ProtocolClient } from "../../testing/ProtocolClient.ts";
import type { TestCoordinator } from "../../testing/startTestCoordinator.ts";
import { startTestCoordinator } from "../../testing/startTestCoordinator.ts";
import { TestWorker } from "../../testing/TestWorker.ts";
import type { JobView } from "../../authors/JobView.ts";
import type { PeerView } from "../../volunteers/Grid.ts";
import type { ErrorBody } from "../../testing/startTestCoordinator.ts";
import { json } from "../../testing/startTestCoordinator.ts";
import type { DatasetView } from "./datasetRoutes.ts";

const post = (c: TestCoordinator, path: string, body: unknown) =>
  c.api(path, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

describe("jobs over HTTP", () => {
  let c: TestCoordinator;
  let dataset: string;
  let reference: Promise<string>;
  const clients: ProtocolClient[] = [];
  beforeAll(async () => {
    reference = shoalRunSma();
    c = await startTestCoordinator();
    dataset = (await json<DatasetView>(c.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
  });
  afterAll(async () => {
    clients.forEach((client) => client.close());
    await c.close();
  });
  const worker = async (options: ConstructorParameters<typeof TestWorker>[1] = {}) => {
    const client = await ProtocolClient.connect(c.wsUrl);
    clients.push(client);
    const w = new TestWorker({ send: (text) => client.sendRaw(text), onMessage: (listener) => client.socket.on("message", (d) => listener(String(d))) }, options);
    return { client, worker: w };
  };

  it("checks syntax without running anything", async () => {
    expect(await json<unknown>(post(c, "/api/check", { script: "function map(s, p)\n  return s.\nend" }))).toEqual({
      ok: false,
      error: { message: expect.stringMatching(/^job\.lua:3: /), line: 3 },
    });
    expect(await json<unknown>(post(c, "/api/check", { script: "function map() end" }))).toEqual({ ok: true });
    expect((await post(c, "/api/check", { code: "x" })).status).toBe(400);
    expect((await c.api("/api/check", { method: "POST", body: "{" })).status).toBe(400);
  });

  it("refuses a script that would reach Lua with other bytes than were sent", async () => {
    // "\xE1b" written raw: decoded with replacement it would become U+FFFD, three other bytes.
    const raw = Buffer.concat([Buffer.from('{"script":"return \\"'), Buffer.from([0xe1, 0x62]), Buffer.from('\\" function map() end"}')]);
    const response = await c.api("/api/check", { method: "POST", body: raw, headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(400);
    expect((await json<ErrorBody>(response)).error).toBe("body is not valid UTF-8 at byte 21");
    const lone = await post(c, "/api/check", { script: 'return "\uD800"' });
    expect(lone.status).toBe(400);
    expect((await json<ErrorBody>(lone)).error).toMatch(/lone surrogate/);
  });

  it.each([
    ["a syntax error, with its line", { script: "function map(s, p)\n  local x = 1\n  return x +\nend" }, 400, /^job\.lua:4: /, 4],
    ["a top-level runtime error, with its line", { script: "local t = nil\nlocal y = t.x\nfunction map() end" }, 400, /^job\.lua:2: attempt to index/, 2],
    ["a script without map", { script: "function reduce(v) return v end" }, 400, /must define a global function map/, undefined],
    ["a spec over its limits", { script: "function map() end", batchSize: 0 }, 400, /batchSize/, undefined],
    ["an unknown spec field", { script: "function map() end", colour: "red" }, 400, /colour|unrecognized/i, undefined],
    ["Lua 5.4 syntax on fengari (Lua 5.3)", { script: "local x <const> = 1\nfunction map() return x end" }, 400, /^job\.lua:1: /, 1],
    ["an unknown engine", { script: "function map() end", engine: "luajit" }, 400, /engine/, undefined],
  ])("refuses %s", async (_name, spec, status, message, line) => {
    const response = await post(c, "/api/jobs", { dataset, spec });
    expect(response.status).toBe(status);
    const body = await json<ErrorBody>(response);
    expect(body.error).toMatch(message);
    expect(body.line).toBe(line);
  });

  it("refuses bad request bodies and unknown datasets", async () => {
    expect((await post(c, "/api/jobs", { dataset: "d_nope", spec: { script: "function map() end" } })).status).toBe(404);
    expect((await post(c, "/api/jobs", { dataset, spec: "function map() end" })).status).toBe(400);
    expect((await post(c, "/api/jobs", { dataset, spec: { script: "function map() end" }, replicas: 1, quorum: 2 })).status).toBe(400);
    expect((await post(c, "/api/jobs", { dataset, spec: { script: "function map() end" }, priority: 1 })).status).toBe(400);
    expect((await c.api("/api/jobs/j_nope")).status).toBe(404);
    expect((await c.api("/api/jobs/j_nope/script")).status).toBe(404);
  });

  it("shows a job's seed and its own deadline per task, which a local run needs to agree", async () => {
    const timed = await json<JobView>(post(c, "/api/jobs", { dataset, spec: { script: "function map() end", seed: 7, deadlineMs: 120_000 } }));
    const plain = await json<JobView>(post(c, "/api/jobs", { dataset, spec: { script: "function map() end" } }));
    for (const job of [timed, plain]) expect((await post(c, `/api/jobs/${job.id}/cancel`, {})).status).toBe(200);
    expect((await json<JobView>(c.api(`/api/jobs/${timed.id}`))).spec).toMatchObject({ seed: 7, deadlineMs: 120_000 });
    const spec = (await json<JobView>(c.api(`/api/jobs/${plain.id}`))).spec;
    expect(spec.seed).toBe(0);
    expect("deadlineMs" in spec).toBe(false);
  });

  it("runs a job on a WebSocket worker to exactly what `shoal run` prints, with progress events", async () => {
    const created = await post(c, "/api/jobs", { dataset, spec: SMA_SPEC });
    expect(created.status).toBe(201);
    const job = await json<JobView>(created);
    expect(job).toMatchObject({ status: "queued", tasks: { total: 56, queued: 44, waiting: 12 }, spec: { points: 16, hasReduce: true, batchSize: 4 } });
    expect((await c.api(`/api/jobs/${job.id}/result`)).status).toBe(409);
    const events = readEvents(await c.api(`/api/jobs/${job.id}/events`), (e) => e === "done");
    const { worker: w } = await worker({ threads: 2 });
    await w.start();
    const received = await events;
    expect(received.at(-1)).toMatchObject({ event: "done", data: { id: job.id, status: "done" } });
    expect(received.filter((e) => e.event === "progress").length).toBeGreaterThan(1);
    const done = await json<JobView>(c.api(`/api/jobs/${job.id}`));
    expect(done).toMatchObject({ status: "done", tasks: { total: 56, done: 56 }, results: { accepted: 56, rejected: 0 } });
    expect(done.finishedAt).toEqual(expect.any(String));
    const result = await json<Json>(c.api(`/api/jobs/${job.id}/result`));
    expect(canonicalJson(result)).toBe(await reference);
    expect(w.sent).toHaveLength(56);
    const [peer] = await json<PeerView[]>(c.api("/api/peers"));
    expect(peer).toMatchObject({ id: w.peerId, transport: "ws", threads: 2, tasksDone: 56, jobs: [] });
    expect(await json<unknown>(c.api(`/api/jobs/${job.id}/script`))).toEqual({ script: SMA_SPEC.script });
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toContain('shoal_results_total{outcome="accepted"} 56');
    expect(metrics).toContain('shoal_jobs{state="done"} 1');
    expect(metrics).toContain('shoal_peers{transport="ws"} 1');
    expect(metrics).toContain("# TYPE shoal_task_latency_ms histogram");
    expect(metrics).toContain('shoal_task_latency_ms_bucket{le="+Inf"} 56');
    expect(metrics).toContain("shoal_task_latency_ms_count 56");
    const list = await json<JobView[]>(c.api("/api/jobs"));
    expect(list[0]).toMatchObject({ id: job.id, status: "done" });
  });

  it("takes results batched in outcomes messages one by one, to the same result", async () => {
    const job = await json<JobView>(post(c, "/api/jobs", { dataset, spec: SMA_SPEC }));
    const events = readEvents(await c.api(`/api/jobs/${job.id}/events`), (e) => e === "done");
    const { worker: w } = await worker({ threads: 4, batch: true });
    await w.start();
    expect((await events).at(-1)).toMatchObject({ event: "done", data: { status: "done", results: { accepted: 56, rejected: 0 } } });
    expect(canonicalJson(await json<Json>(c.api(`/api/jobs/${job.id}/result`)))).toBe(await reference);
  });

  const NIL_INDEX = "function map(s, p)\n  local x = nil\n  return x.field\nend";
  const expectLuaError = (view: JobView) => {
    expect(view.error).toMatchObject({ kind: "runtime", line: 3, message: expect.stringMatching(/^job\.lua:3: attempt to index a nil value/) });
    expect(view.error?.traceback).toMatch(/job\.lua:3/);
  };

  it("fails a one-replica job on the first volunteer's Lua error, with the message, line and traceback", async () => {
    const job = await json<JobView>(post(c, "/api/jobs", { dataset, spec: { script: NIL_INDEX } }));
    const events = readEvents(await c.api(`/api/jobs/${job.id}/events`), (e) => e === "failed");
    await (await worker()).worker.start();
    expect((await events).at(-1)).toMatchObject({ event: "failed", data: { status: "failed" } });
    expectLuaError(await json<JobView>(c.api(`/api/jobs/${job.id}`)));
    expect((await c.api(`/api/jobs/${job.id}/result`)).status).toBe(409);
    expect((await post(c, `/api/jobs/${job.id}/cancel`, {})).status).toBe(409);
  });

  it("shows a quorum-2 job's Lua error as unconfirmed at once, and fails the job when a second volunteer confirms it", async () => {
    // Only the volunteers this test starts may report: earlier tests' workers leave first.
    clients.splice(0).forEach((client) => client.close());
    while ((await json<PeerView[]>(c.api("/api/peers"))).length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const job = await json<JobView>(post(c, "/api/jobs", { dataset, spec: { script: NIL_INDEX }, replicas: 2, quorum: 2 }));
    const unconfirmed = readEvents(await c.api(`/api/jobs/${job.id}/events`), (_e, data) => (data as JobView).unconfirmedError !== undefined);
    await (await worker()).worker.start();
    const seen = (await unconfirmed).at(-1)?.data as JobView;
    expect(seen).toMatchObject({ status: "running", unconfirmedError: { reporters: 1, kind: "runtime", line: 3 } });
    const events = readEvents(await c.api(`/api/jobs/${job.id}/events`), (e) => e === "failed");
    await (await worker()).worker.start();
    expect((await events).at(-1)).toMatchObject({ event: "failed", data: { status: "failed" } });
    const view = await json<JobView>(c.api(`/api/jobs/${job.id}`));
    expectLuaError(view);
    expect(view.unconfirmedError).toBeUndefined();
  });

  it("cancels a job: the holder of its lease is told, events end, the result stays unavailable", async () => {
    const { client, worker: w } = await worker({ stopAfter: 0 });
    await w.start();
    const job = await json<JobView>(post(c, "/api/jobs", { dataset, spec: SMA_SPEC }));
    const assign = await client.next("assign");
    const [holder] = await json<PeerView[]>(c.api("/api/peers"));
    expect(holder?.jobs).toEqual([job.id]);
    const events = readEvents(await c.api(`/api/jobs/${job.id}/events`), (e) => e === "cancelled");
    const cancelled = await post(c, `/api/jobs/${job.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect((await json<JobView>(cancelled)).status).toBe("cancelled");
    const cancel = await client.next("cancel");
    expect(cancel.taskIds.sort()).toEqual(assign.assignments.map((a) => a.taskId).sort());
    expect((await events).at(-1)).toMatchObject({ event: "cancelled", data: { status: "cancelled" } });
    expect((await post(c, `/api/jobs/${job.id}/cancel`, {})).status).toBe(200);
    expect((await c.api(`/api/jobs/${job.id}/result`)).status).toBe(409);
    const late = assign.assignments[0]!;
    w.send({ type: "task-result", taskId: late.taskId, attempt: late.attempt, result: { outputs: [] }, log: [], instructions: 0, elapsedMs: 0 });
    w.send({ type: "heartbeat" });
    expect((await json<JobView>(c.api(`/api/jobs/${job.id}`))).status).toBe("cancelled");
  });

  it("keeps a wasmoon job queued while only fengari workers are connected, then runs it where wasmoon is", async () => {
    const expected = shoalRunSma("wasmoon");
    const { worker: fengariOnly } = await worker();
    await fengariOnly.start();
    const script = `local limit <const> = 1\n${SMA_SCRIPT}`;
    expect(await json<unknown>(post(c, "/api/check", { script, engine: "wasmoon" }))).toEqual({ ok: true });
    const created = await post(c, "/api/jobs", { dataset, spec: { ...SMA_SPEC, script, engine: "wasmoon" } });
    expect(created.status).toBe(201);
    const job = await json<JobView>(created);
    const events = readEvents(await c.api(`/api/jobs/${job.id}/events`), (e) => e === "done");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await json<JobView>(c.api(`/api/jobs/${job.id}`))).toMatchObject({ status: "queued", tasks: { running: 0, done: 0 } });
    const { worker: both } = await worker({ threads: 2, engines: ["fengari", "wasmoon"] });
    await both.start();
    expect((await events).at(-1)).toMatchObject({ event: "done", data: { status: "done" } });
    expect(canonicalJson(await json<Json>(c.api(`/api/jobs/${job.id}/result`)))).toBe(await expected);
    expect(fengariOnly.sent).toHaveLength(0);
    const peers = await json<PeerView[]>(c.api("/api/peers"));
    expect(peers.find((p) => p.id === both.peerId)?.engines).toEqual(["fengari", "wasmoon"]);
  });
});
