import type { DatasetView, JobView, Json, PeerView } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEvents, SMA_SPEC, sp500Bar, SP500_HEADER, SP500_TEXT } from "../testing/fixtures.ts";
import { ProtocolClient } from "../testing/ProtocolClient.ts";
import type { ErrorBody, TestCoordinator } from "../testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "../testing/startTestCoordinator.ts";
import { TestWorker } from "../testing/TestWorker.ts";
import { createAuthorToken } from "../auth/authorTokens.ts";
import { SqliteStore } from "../store/SqliteStore.ts";

/*
 * Live jobs over HTTP on a real coordinator with a WebSocket test volunteer: reruns on appends,
 * coalescing, the cap on live chains, stopping, and the refusals.
 */

const HEADER = SP500_HEADER;
const SAMPLE = SP500_TEXT;
const bar = sp500Bar;

describe("live jobs", () => {
  let c: TestCoordinator;
  let client: ProtocolClient | undefined;
  beforeAll(async () => {
    c = await startTestCoordinator({ limits: { maxLiveJobs: 2 } });
  });
  afterAll(async () => {
    client?.close();
    await c.close();
  });

  const post = (path: string, body: unknown) => c.api(path, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
  const upload = (body: string, name: string) => json<DatasetView>(c.api(`/api/datasets?name=${name}`, { method: "POST", body }));
  const append = (id: string, body: string) => json<DatasetView>(c.api(`/api/datasets/${id}/append`, { method: "POST", body: HEADER + body }));
  const stop = (id: string) => c.api(`/api/jobs/${id}/live`, { method: "DELETE" });
  async function startWorker(): Promise<void> {
    client = await ProtocolClient.connect(c.wsUrl);
    const socket = client.socket;
    await new TestWorker({ send: (text) => client!.sendRaw(text), onMessage: (listener) => socket.on("message", (d) => listener(String(d))) }, { threads: 2 }).start();
  }
  async function stopWorker(): Promise<void> {
    client?.close();
    client = undefined;
    while ((await json<PeerView[]>(c.api("/api/peers"))).length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  /** The result of a from-scratch (non-live) job on an upload of `csv`. */
  async function scratch(csv: string, name: string): Promise<string> {
    const dataset = await upload(csv, name);
    expect(dataset.rows).toBe(csv.trim().split("\n").length - 1);
    const job = await json<JobView>(post("/api/jobs", { dataset: dataset.id, spec: SMA_SPEC }));
    await readEvents(await c.api(`/api/jobs/${job.id}/events`), (e) => e === "done" || e === "failed");
    return canonicalJson(await json<Json>(c.api(`/api/jobs/${job.id}/result`)));
  }

  it.each([["a string", "yes"], ["a number", 1], ["null", null], ["an object", { on: true }]])("refuses live as %s with a 400", async (_name, live) => {
    const dataset = await upload(SAMPLE, "refused");
    const response = await post("/api/jobs", { dataset: dataset.id, spec: SMA_SPEC, live });
    expect(response.status).toBe(400);
    expect((await json<ErrorBody>(response)).error).toBe("live must be true or false");
    expect(await json<JobView[]>(c.api("/api/jobs"))).toHaveLength(0);
  });

  it("answers 404 for the live stream or stop of an unknown job or a job that is not live", async () => {
    expect((await json<ErrorBody>(c.api("/api/jobs/j_nope/live"))).error).toBe("no job j_nope");
    expect((await stop("j_nope")).status).toBe(404);
    const dataset = await upload(SAMPLE, "plain");
    const plain = await json<JobView>(post("/api/jobs", { dataset: dataset.id, spec: SMA_SPEC, live: false }));
    expect(plain.live).toBeUndefined();
    expect((await json<JobView>(c.api(`/api/jobs/${plain.id}`))).live).toBeUndefined();
    const stream = await c.api(`/api/jobs/${plain.id}/live`);
    expect(stream.status).toBe(404);
    expect((await json<ErrorBody>(stream)).error).toBe(`job ${plain.id} is not live`);
    expect((await stop(plain.id)).status).toBe(404);
    await post(`/api/jobs/${plain.id}/cancel`, {});
  });

  it("keeps at most limits.maxLiveJobs live chains: the next is a 429 until one stops", async () => {
    const dataset = await upload(SAMPLE, "capped");
    const body = { dataset: dataset.id, spec: SMA_SPEC, live: true };
    const [a, b] = await Promise.all([post("/api/jobs", body), post("/api/jobs", body)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const over = await post("/api/jobs", body);
    expect(over.status).toBe(429);
    expect((await json<ErrorBody>(over)).error).toMatch(/^2 live jobs are running, the most this coordinator keeps/);
    const first = await json<JobView>(a);
    const stopped = await stop(first.id);
    expect(await json<unknown>(stopped)).toEqual({ chain: first.id, stopped: true });
    // Stopping cancelled its running job; the chain is gone.
    expect((await json<JobView>(c.api(`/api/jobs/${first.id}`))).status).toBe("cancelled");
    expect((await stop(first.id)).status).toBe(404);
    const again = await post("/api/jobs", body);
    expect(again.status).toBe(201);
    // Cancelling a live chain's running job ends the chain too.
    for (const job of [await json<JobView>(b), await json<JobView>(again)]) {
      expect((await post(`/api/jobs/${job.id}/cancel`, {})).status).toBe(200);
      expect((await c.api(`/api/jobs/${job.id}/live`)).status).toBe(404);
    }
  });

  it("reruns on each append, one event per version; appends racing a rerun coalesce to the latest version, none lost or run twice", async () => {
    await startWorker();
    const v1 = await upload(SAMPLE, "live");
    const job = await json<JobView>(post("/api/jobs", { dataset: v1.id, spec: SMA_SPEC, live: true }));
    const events: Array<{ event: string; data: unknown }> = [];
    const stream = await c.api(`/api/jobs/${job.id}/live`);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const ended = readEvents(stream, (event, data) => {
      events.push({ event, data });
      return event === "stopped";
    });
    const finished = () => events.filter((e) => e.event === "version");
    while (finished().length < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    // Connected while the first job ran, the stream announced it as the rerun under way first.
    if (events[0]!.event === "running") expect(events.shift()!.data).toEqual({ chain: job.id, version: 1, dataset: v1.id, jobId: job.id });
    expect(events[0]).toMatchObject({ event: "version", data: { chain: job.id, version: 1, dataset: v1.id, jobId: job.id, status: "done", reused: 0 } });
    // The view says the job is live, and which job is its chain's newest.
    expect((await json<JobView>(c.api(`/api/jobs/${job.id}`))).live).toEqual({ chain: job.id, current: job.id });

    // With no volunteer, the rerun on v2 waits; v3 and v4 come while it does: one rerun, on v4, follows.
    await stopWorker();
    const v2 = await append(v1.id, bar(1));
    const v3 = await append(v2.id, bar(2));
    const v4 = await append(v3.id, bar(3));
    // The rerun on v2 is announced while it waits, and the views of the chain's first and newest jobs name it.
    while (events.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    const waiting = events[1]!.data as { jobId: string };
    expect(events[1]).toMatchObject({ event: "running", data: { chain: job.id, version: 2, dataset: v2.id } });
    expect((await json<JobView>(c.api(`/api/jobs/${job.id}`))).live).toEqual({ chain: job.id, current: waiting.jobId });
    expect((await json<JobView>(c.api(`/api/jobs/${waiting.jobId}`))).live).toEqual({ chain: job.id, current: waiting.jobId });
    expect((await json<JobView[]>(c.api("/api/jobs"))).find((j) => j.id === waiting.jobId)?.live).toEqual({ chain: job.id, current: waiting.jobId });
    // A late subscriber hears of the rerun under way at once, after the last finished version.
    const joined = await readEvents(await c.api(`/api/jobs/${job.id}/live`), (event) => event === "running");
    expect(joined.map((e) => e.event)).toEqual(["version", "running"]);
    expect(joined[1]!.data).toEqual(events[1]!.data);
    await startWorker();
    while (finished().length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.map((e) => e.event)).toEqual(["version", "running", "version", "running", "version"]);
    expect((events[2]!.data as { jobId: string }).jobId).toBe(waiting.jobId);
    const versions = finished().map((e) => e.data as { version: number; dataset: string; jobId: string; status: string; reused: number; result: Json });
    expect(versions.map((v) => [v.version, v.dataset, v.status])).toEqual([
      [1, v1.id, "done"],
      [2, v2.id, "done"],
      [4, v4.id, "done"],
    ]);
    expect(new Set(versions.map((v) => v.jobId)).size).toBe(3);
    expect(versions[2]!.reused).toBeGreaterThan(0);
    const jobs = await json<JobView[]>(c.api("/api/jobs"));
    expect(jobs.filter((j) => j.dataset === v3.id)).toHaveLength(0);
    expect(jobs.filter((j) => j.dataset === v4.id)).toHaveLength(1);
    expect(canonicalJson(versions[1]!.result)).toBe(await scratch(SAMPLE + bar(1), "scratch2"));
    expect(canonicalJson(versions[2]!.result)).toBe(await scratch(SAMPLE + bar(1) + bar(2) + bar(3), "scratch4"));

    // A late subscriber gets the last version at once; stopping ends both streams.
    const late = readEvents(await c.api(`/api/jobs/${versions[2]!.jobId}/live`), (event) => event === "stopped");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await json<unknown>(stop(job.id))).toEqual({ chain: job.id, stopped: true });
    expect((await late).map((e) => e.event)).toEqual(["version", "stopped"]);
    expect((await late)[0]?.data).toMatchObject({ version: 4 });
    expect((await ended).at(-1)?.event).toBe("stopped");
    const after = await append(v4.id, bar(4));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await json<JobView[]>(c.api("/api/jobs"))).filter((j) => j.dataset === after.id)).toHaveLength(0);
  }, 120_000);
});

describe("live jobs per token", () => {
  let c: TestCoordinator;
  let other = "";
  beforeAll(async () => {
    c = await startTestCoordinator({ limits: { maxLiveJobs: 8, maxLiveJobsPerToken: 1 } });
    // A second author: its token stored beside the first in the coordinator's own database.
    const store = new SqliteStore(join(c.dataDir, "shoal.db"));
    other = createAuthorToken(store, "second author");
    store.close();
  });
  afterAll(async () => {
    await c.close();
  });

  const submit = (dataset: string, token: string) =>
    c.api("/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec: SMA_SPEC, live: true }), headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` } });

  it("keeps at most limits.maxLiveJobsPerToken live chains per author token: its next, raced or not, is a 429 while another token's is taken", async () => {
    const dataset = await json<DatasetView>(c.api("/api/datasets?name=per-token", { method: "POST", body: SAMPLE }));
    const raced = await Promise.all([submit(dataset.id, c.token), submit(dataset.id, c.token)]);
    expect(raced.map((r) => r.status).sort()).toEqual([201, 429]);
    const refused = raced.find((r) => r.status === 429)!;
    expect((await json<ErrorBody>(refused)).error).toMatch(/^this token has 1 live jobs running, the most one token may keep; stop one/);
    const mine = await json<JobView>(raced.find((r) => r.status === 201)!);
    const replayed = await submit(dataset.id, c.token);
    expect(replayed.status).toBe(429);
    const theirs = await submit(dataset.id, other);
    expect(theirs.status).toBe(201);
    expect((await submit(dataset.id, other)).status).toBe(429);
    // A non-live job is not counted; stopping frees the token's slot.
    expect((await c.api("/api/jobs", { method: "POST", body: JSON.stringify({ dataset: dataset.id, spec: SMA_SPEC }), headers: { "Content-Type": "application/json" } })).status).toBe(201);
    expect((await c.api(`/api/jobs/${mine.id}/live`, { method: "DELETE" })).status).toBe(200);
    expect((await submit(dataset.id, c.token)).status).toBe(201);
  }, 60_000);
});
