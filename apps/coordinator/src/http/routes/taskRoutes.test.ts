import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AttemptTimeline, DatasetView, JobView, PartialResult, TaskPage, VolunteerCounts } from "@shoal/protocol";
import { MAX_TASK_PAGE, PROTOCOL_VERSION } from "@shoal/protocol";
import { join } from "node:path";
import { startCoordinator } from "../../Coordinator.ts";
import { silentLogger } from "../../Logger.ts";
import { readEvents, SP500_CSV } from "../../testing/fixtures.ts";
import { ProtocolClient } from "../../testing/ProtocolClient.ts";
import type { ErrorBody, TestCoordinator } from "../../testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "../../testing/startTestCoordinator.ts";
import { TestWorker } from "../../testing/TestWorker.ts";

const PRINTS = 'function map(s, p)\n  print("hello " .. p.a)\n  if p.a == 3 then error("boom") end\n  return p.a\nend';
const SWEEP = { script: "function map(s, p)\n  return { a = p.a, n = #s.close }\nend", params: { a: [1, 2, 3, 4] }, batchSize: 1 };

const post = (c: TestCoordinator, path: string, body: unknown) =>
  c.api(path, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

describe("a job's tasks, attempts and partial result over HTTP", () => {
  let c: TestCoordinator;
  let dataset: string;
  const clients: ProtocolClient[] = [];
  beforeAll(async () => {
    c = await startTestCoordinator();
    dataset = (await json<DatasetView>(c.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
  });
  // Each test's volunteers leave with it, so none takes (or holds) the next test's tasks.
  afterEach(() => {
    clients.forEach((client) => client.close());
    clients.length = 0;
  });
  afterAll(() => c.close());
  const worker = async (options: ConstructorParameters<typeof TestWorker>[1] = {}) => {
    const client = await ProtocolClient.connect(c.wsUrl);
    clients.push(client);
    return new TestWorker({ send: (text) => client.sendRaw(text), onMessage: (listener) => client.socket.on("message", (d) => listener(String(d))) }, options);
  };
  const until = async (job: string, status: string) => readEvents(await c.api(`/api/jobs/${job}/events`), (e) => e === status);

  it("lists each task with its attempts: the print output of those that ran, the Lua error of the one that failed", async () => {
    const job = await json<JobView>(post(c, "/api/jobs", { dataset, spec: { script: PRINTS, params: { a: [1, 2, 3, 4] }, batchSize: 1 } }));
    const failed = until(job.id, "failed");
    const w = await worker();
    await w.start();
    await failed;
    const first = await json<TaskPage>(c.api(`/api/jobs/${job.id}/tasks?limit=2`));
    expect(first).toMatchObject({ total: 4, offset: 0, limit: 2, engine: "fengari" });
    expect(first.tasks.map((t) => [t.index, t.kind, t.key, t.points, t.state])).toEqual([
      [0, "map", "sp500", 1, "done"],
      [1, "map", "sp500", 1, "done"],
    ]);
    expect(first.tasks[0]?.attempts).toEqual([
      { task: 0, attempt: 1, peer: w.peerId, start: expect.any(Number), end: expect.any(Number), outcome: "result", log: "hello 1\n", logTruncated: false },
    ]);
    const rest = await json<TaskPage>(c.api(`/api/jobs/${job.id}/tasks?offset=2&limit=2`));
    const boom = rest.tasks[0];
    expect(boom).toMatchObject({ index: 2, state: "failed" });
    expect(boom?.attempts[0]).toMatchObject({ outcome: "error", kind: "runtime", line: 3, message: expect.stringMatching(/^job\.lua:3: boom/), log: "hello 3\n" });
    expect(rest.tasks[1]?.state).toBe("unfinished");
    const timeline = await json<AttemptTimeline>(c.api(`/api/jobs/${job.id}/attempts`));
    expect(timeline.total).toBeGreaterThanOrEqual(3);
    expect(timeline.attempts.map((a) => a.task).slice(0, 3)).toEqual([0, 1, 2]);
    expect(timeline.attempts.every((a) => a.end === null || a.end >= a.start)).toBe(true);
  });

  it("gives the outputs of a running sweep so far, marked partial, then 409 once the final result is there", async () => {
    const job = await json<JobView>(post(c, "/api/jobs", { dataset, spec: SWEEP }));
    const slow = await worker({ stopAfter: 2 });
    await slow.start();
    let partial: PartialResult | undefined;
    for (let i = 0; i < 200 && (partial?.done ?? 0) < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      partial = await json<PartialResult>(c.api(`/api/jobs/${job.id}/partial`));
    }
    expect(partial).toMatchObject({ partial: true, done: 2, total: 4 });
    expect(partial?.values).toEqual([expect.objectContaining({ a: 1 }), expect.objectContaining({ a: 2 })]);
    expect(await json<PartialResult>(c.api(`/api/jobs/${job.id}/partial?limit=1`))).toMatchObject({ values: [expect.objectContaining({ a: 1 })], truncated: true });
    const done = until(job.id, "done");
    clients[0]?.close(); // the stopped volunteer leaves, freeing the leases it holds
    await (await worker()).start();
    await done;
    const after = await c.api(`/api/jobs/${job.id}/partial`);
    expect(after.status).toBe(409);
    expect((await json<ErrorBody>(after)).error).toMatch(/result is at/);
  });

  it("gives a running job with a reduce its map outputs so far in plan order, marked before the reduce", async () => {
    const script = `${SWEEP.script}\nfunction reduce(values)\n  return #values\nend`;
    const job = await json<JobView>(post(c, "/api/jobs", { dataset, spec: { ...SWEEP, script } }));
    const slow = await worker({ stopAfter: 2 });
    await slow.start();
    let partial: PartialResult | undefined;
    for (let i = 0; i < 200 && (partial?.done ?? 0) < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      partial = await json<PartialResult>(c.api(`/api/jobs/${job.id}/partial`));
    }
    expect(partial).toMatchObject({ partial: true, done: 2, total: 4, beforeReduce: true });
    expect(partial?.values).toEqual([expect.objectContaining({ a: 1 }), expect.objectContaining({ a: 2 })]);
    expect(await json<PartialResult>(c.api(`/api/jobs/${job.id}/partial?limit=1`))).toMatchObject({ beforeReduce: true, values: [expect.objectContaining({ a: 1 })], truncated: true });
    const done = until(job.id, "done");
    clients[0]?.close();
    await (await worker()).start();
    await done;
    expect(await json<unknown>(c.api(`/api/jobs/${job.id}/result`))).toBe(4);
  });

  it("counts the two volunteers that ran a job, after it ended, and none as accepted for a job whose one volunteer only reported an error", async () => {
    const job = await json<JobView>(post(c, "/api/jobs", { dataset, spec: SWEEP }));
    const first = await worker({ stopAfter: 2 });
    await first.start();
    for (let i = 0; i < 200 && (await json<TaskPage>(c.api(`/api/jobs/${job.id}/tasks`))).tasks.filter((t) => t.state === "done").length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const done = until(job.id, "done");
    clients[0]?.close();
    const second = await worker();
    await second.start();
    await done;
    expect(first.peerId).not.toBe(second.peerId);
    expect(await json<VolunteerCounts>(c.api(`/api/jobs/${job.id}/volunteers`))).toEqual({ attempted: 2, accepted: 2 });

    const failing = await json<JobView>(post(c, "/api/jobs", { dataset, spec: { script: 'function map(s, p)\n  error("boom")\nend', params: { a: [1] } } }));
    const failed = until(failing.id, "failed");
    await (await worker()).start();
    await failed;
    expect(await json<VolunteerCounts>(c.api(`/api/jobs/${failing.id}/volunteers`))).toEqual({ attempted: 1, accepted: 0 });
  });

  it("gives only the attempts that changed since a cursor, which merged into the earlier answer equal a fresh one", async () => {
    const job = await json<JobView>(post(c, "/api/jobs", { dataset, spec: SWEEP }));
    const first = await worker({ stopAfter: 2 });
    await first.start();
    let before: AttemptTimeline | undefined;
    for (let i = 0; i < 200 && (before?.attempts.filter((a) => a.outcome === "result").length ?? 0) < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      before = await json<AttemptTimeline>(c.api(`/api/jobs/${job.id}/attempts`));
    }
    const quiet = await json<AttemptTimeline>(c.api(`/api/jobs/${job.id}/attempts?since=${before!.cursor}`));
    expect(quiet.attempts).toEqual([]);
    expect(quiet.cursor).toBe(before!.cursor);
    const done = until(job.id, "done");
    clients[0]?.close();
    await (await worker()).start();
    await done;
    const since = await json<AttemptTimeline>(c.api(`/api/jobs/${job.id}/attempts?since=${before!.cursor}`));
    expect(since.attempts.length).toBeGreaterThanOrEqual(2);
    // The results taken before the cursor did not change after it, so they are not sent again.
    const settled = new Set(before!.attempts.filter((a) => a.outcome === "result").map((a) => `${a.task}#${a.attempt}`));
    expect(since.attempts.filter((a) => settled.has(`${a.task}#${a.attempt}`))).toEqual([]);
    expect(since.cursor).toBeGreaterThan(before!.cursor);
    const merged = new Map(before!.attempts.map((a) => [`${a.task}#${a.attempt}`, a]));
    for (const a of since.attempts) merged.set(`${a.task}#${a.attempt}`, a);
    const fresh = await json<AttemptTimeline>(c.api(`/api/jobs/${job.id}/attempts`));
    const order = (list: Iterable<AttemptTimeline["attempts"][number]>) => [...list].sort((a, b) => a.task - b.task || a.attempt - b.attempt);
    expect(order(merged.values())).toEqual(order(fresh.attempts));
    const paged = await json<AttemptTimeline>(c.api(`/api/jobs/${job.id}/attempts?since=${before!.cursor}&limit=1`));
    expect(paged).toMatchObject({ more: true, attempts: [since.attempts[0]] });
    expect(await json<AttemptTimeline>(c.api(`/api/jobs/${job.id}/attempts?since=${fresh.cursor}`))).toMatchObject({ attempts: [], cursor: fresh.cursor });
  });

  it.each([
    ["since=abc", /since must be a cursor from an earlier answer/],
    ["since=-1", /since must be a cursor/],
    ["since=1e3", /since must be a cursor/],
    ["since=1.5", /since must be a cursor/],
    ["since=0x10", /since must be a cursor/],
    ["since=", /since must be a cursor/],
    ["since=%20", /since must be a cursor/],
    ["since=99999999999999999", /since must be a cursor/],
    ["since=9007199254740992", /since must be a cursor/],
    ["since=1&since=2", /since is given 2 times/],
    ["since=9007199254740991", /since 9007199254740991 is ahead of this coordinator's history/],
  ])("refuses the attempts ?%s with a 400 that says what a cursor is", async (query, message) => {
    const job = (await json<JobView[]>(c.api("/api/jobs?limit=1")))[0]!;
    const response = await c.api(`/api/jobs/${job.id}/attempts?${query}`);
    expect(response.status).toBe(400);
    expect((await json<ErrorBody>(response)).error).toMatch(message);
  });

  it.each([
    ["limit=0", /limit must be an integer from 1 to 200/],
    [`limit=${MAX_TASK_PAGE + 1}`, /limit must be/],
    ["limit=1e3", /limit must be/],
    ["limit=-1", /limit must be/],
    ["limit=2.5", /limit must be/],
    ["offset=abc", /offset must be an integer from 0/],
    ["offset=99999999999999999999", /offset must be/],
    ["limit=1&limit=2", /limit is given 2 times/],
  ])("refuses ?%s with a 400 that names the parameter", async (query, message) => {
    const job = (await json<JobView[]>(c.api("/api/jobs?limit=1")))[0]!;
    const response = await c.api(`/api/jobs/${job.id}/tasks?${query}`);
    expect(response.status).toBe(400);
    expect((await json<ErrorBody>(response)).error).toMatch(message);
  });

  it("answers 404 for unknown jobs, 401 without the author token, and bounds the other routes' limits too", async () => {
    for (const path of ["tasks", "attempts", "volunteers", "partial"]) expect((await c.api(`/api/jobs/j_nope/${path}`)).status).toBe(404);
    const job = (await json<JobView[]>(c.api("/api/jobs?limit=1")))[0]!;
    expect((await fetch(`${c.url}/api/jobs/${job.id}/tasks`)).status).toBe(401);
    expect((await c.api(`/api/jobs/${job.id}/attempts?limit=5001`)).status).toBe(400);
    expect((await c.api(`/api/jobs/${job.id}/partial?limit=10001`)).status).toBe(400);
  });

  it("keeps no print output from a volunteer reporting a lease it does not hold", async () => {
    const job = await json<JobView>(post(c, "/api/jobs", { dataset, spec: { ...SWEEP, script: 'function map(s, p)\n  print("honest")\n  return p.a\nend' } }));
    const forger = await ProtocolClient.connect(c.wsUrl);
    clients.push(forger);
    forger.send({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: ["fengari"], shards: [] });
    await forger.next("welcome");
    for (let i = 0; i < 4; i++) {
      forger.send({ type: "task-result", taskId: `${job.id}/map/${i}`, attempt: 1, result: { outputs: [0] }, log: ["<img src=x onerror=alert(1)>"], instructions: 0, elapsedMs: 0 });
    }
    const done = until(job.id, "done");
    await (await worker()).start();
    await done;
    const page = await json<TaskPage>(c.api(`/api/jobs/${job.id}/tasks`));
    expect(page.tasks.flatMap((t) => t.attempts.map((a) => a.log))).toEqual(["honest\n", "honest\n", "honest\n", "honest\n"]);
  });
});

describe("attempt history across a coordinator restart", () => {
  it("is still listed after the coordinator stops and starts again on its data directory", async () => {
    const first = await startTestCoordinator();
    const dataset = (await json<DatasetView>(first.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
    const job = await json<JobView>(post(first, "/api/jobs", { dataset, spec: { script: PRINTS, params: { a: [1, 2] }, batchSize: 1 } }));
    const client = await ProtocolClient.connect(first.wsUrl);
    const w = new TestWorker({ send: (text) => client.sendRaw(text), onMessage: (listener) => client.socket.on("message", (d) => listener(String(d))) });
    const done = readEvents(await first.api(`/api/jobs/${job.id}/events`), (e) => e === "done");
    await w.start();
    await done;
    const before = await json<TaskPage>(first.api(`/api/jobs/${job.id}/tasks`));
    client.close();
    await first.close();
    const again = await startCoordinator({ port: 0, webrtc: false, logger: silentLogger, dataDir: first.dataDir, webDist: join(first.dataDir, "no-web-app") });
    try {
      const page = await (await fetch(`${again.url}/api/jobs/${job.id}/tasks`, { headers: { Authorization: `Bearer ${first.token}` } })).json();
      expect(page).toEqual(before);
      expect(before.tasks.map((t) => t.attempts[0]?.log)).toEqual(["hello 1\n", "hello 2\n"]);
    } finally {
      await again.close();
    }
  });
});
