import { asDatasetId } from "@shoal/protocol";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "./sha256Hex.ts";
import { ShoalApiError } from "./ShoalApiError.ts";
import { ShoalClient } from "./ShoalClient.ts";
import type { DatasetView, JobView } from "./types.ts";

type Handler = (request: Request) => Response | Promise<Response>;

/** A fake coordinator: records requests and answers them with `handler`. */
function fake(handler: Handler) {
  const requests: Request[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request.clone());
    return handler(request);
  };
  return { client: new ShoalClient({ url: "http://coordinator.test/", token: "T", fetch }), requests };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const dataset = (hash: string): DatasetView => ({ id: asDatasetId("d1"), name: "prices", hash, columns: ["close"], rows: 2, bytes: 20, series: [], createdAt: "2026-01-01T00:00:00.000Z" });
const job = (status: JobView["status"], done: number): JobView =>
  ({ id: "j1", status, tasks: { total: 4, waiting: 0, queued: 4 - done, running: 0, done, failed: 0 } }) as JobView;

describe("ShoalClient", () => {
  const csv = new TextEncoder().encode("date,close\n2020-01-01,1\n");

  it("skips the upload when the coordinator has the same bytes under the same options", async () => {
    const hash = await sha256Hex(csv);
    const { client, requests } = fake((r) => (r.url.includes(`/by-hash/${hash}?`) ? json(200, dataset(hash)) : json(500, {})));
    const result = await client.uploadDataset(csv, { name: "prices", key: "symbol" });
    expect(result).toEqual({ dataset: dataset(hash), uploaded: false });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET http://coordinator.test/api/datasets/by-hash/${hash}?name=prices&key=symbol`]);
    expect(requests[0]!.headers.get("authorization")).toBe("Bearer T");
  });

  it("uploads the bytes with name, key and time when the coordinator lacks them", async () => {
    const { client, requests } = fake(async (r) => (r.method === "POST" ? json(201, dataset(await sha256Hex(new Uint8Array(await r.arrayBuffer())))) : json(404, { error: "no" })));
    const result = await client.uploadDataset(new Blob([csv]), { name: "prices", time: "date" });
    expect(result.uploaded).toBe(true);
    expect(result.dataset.hash).toBe(await sha256Hex(csv));
    expect(requests[1]!.url).toBe("http://coordinator.test/api/datasets?name=prices&time=date");
    expect(new Uint8Array(await requests[1]!.arrayBuffer())).toEqual(csv);
  });

  it("appends rows to a dataset as a new version, and passes a refusal on with its status and line", async () => {
    const version = { ...dataset("h2"), id: asDatasetId("d2"), parent: asDatasetId("d/1"), version: 2 };
    const { client, requests } = fake(async (r) => ((await r.text()).includes("2020-01-02") ? json(201, version) : json(400, { error: "line 2: not after", line: 2 })));
    expect(await client.appendDataset("d/1", new TextEncoder().encode("date,close\n2020-01-02,2\n"))).toEqual(version);
    expect(requests.map((r) => `${r.method} ${r.url} ${r.headers.get("content-type")}`)).toEqual(["POST http://coordinator.test/api/datasets/d%2F1/append text/csv"]);
    const refused = await client.appendDataset("d/1", csv).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ShoalApiError);
    expect(refused).toMatchObject({ status: 400, line: 2, message: "line 2: not after" });
  });

  it("turns an error answer into a ShoalApiError with status and line", async () => {
    const { client } = fake(() => json(400, { error: "job.lua:3: unexpected symbol near 'end'", line: 3 }));
    const error = await client.createJob({ dataset: "d1", spec: { script: "x" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShoalApiError);
    expect(error).toMatchObject({ status: 400, line: 3, message: "job.lua:3: unexpected symbol near 'end'" });
    const { client: other } = fake(() => new Response("gateway down", { status: 502 }));
    await expect(other.getResult("j1")).rejects.toMatchObject({ status: 502, message: "GET /api/jobs/j1/result: HTTP 502" });
  });

  it("follows progress events to the final one, reconnecting when the stream drops", async () => {
    let connections = 0;
    const { client } = fake(() => {
      connections++;
      if (connections === 2) return new Response("restarting", { status: 503 });
      const body = connections === 1 ? `event: progress\ndata: ${JSON.stringify(job("running", 1))}\n\n` : `: hi\n\nevent: progress\ndata: ${JSON.stringify(job("running", 3))}\n\nevent: done\ndata: ${JSON.stringify(job("done", 4))}\n\nevent: progress\ndata: {}\n\n`;
      return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
    });
    const seen = [];
    for await (const event of client.watchJob("j1")) seen.push(`${event.type}:${event.job.tasks.done}`);
    expect(seen).toEqual(["progress:1", "progress:3", "done:4"]);
    expect(connections).toBe(3);
  });

  it("with fallback coordinators, follows a job to the next when one cannot be reached; a read is tried on the next at once, a write is not sent twice", async () => {
    const requests: string[] = [];
    let aDown = false;
    const fetch = async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      requests.push(`${request.method} ${request.url}`);
      if (request.url.startsWith("http://a.test") && aDown) throw new TypeError("fetch failed");
      if (request.url.endsWith("/events")) {
        const body = request.url.startsWith("http://a.test") ? `event: progress\ndata: ${JSON.stringify(job("running", 1))}\n\n` : `event: done\ndata: ${JSON.stringify(job("done", 4))}\n\n`;
        aDown = true;
        return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
      }
      return json(200, job("running", 1));
    };
    const client = new ShoalClient({ url: "http://a.test/", fallbackUrls: ["http://b.test"], token: "T", fetch });
    const seen = [];
    for await (const event of client.watchJob("j1")) seen.push(`${event.type}:${event.job.tasks.done}`);
    expect(seen).toEqual(["progress:1", "done:4"]);
    expect(requests).toEqual(["GET http://a.test/api/jobs/j1/events", "GET http://a.test/api/jobs/j1/events", "GET http://b.test/api/jobs/j1/events"]);
    // Now on b: a read stays there; back on a (b down too), a write fails without being resent to b.
    requests.length = 0;
    expect((await client.getJob("j1")).id).toBe("j1");
    expect(requests).toEqual(["GET http://b.test/api/jobs/j1"]);

    const writes: string[] = [];
    const down = new ShoalClient({ url: "http://a.test", fallbackUrls: ["http://b.test"], fetch: async (input, init) => {
      const request = new Request(input, init);
      writes.push(`${request.method} ${request.url}`);
      if (request.url.startsWith("http://a.test")) throw new TypeError("fetch failed");
      return json(200, job("cancelled", 0));
    } });
    await expect(down.cancelJob("j1")).rejects.toThrow("fetch failed");
    expect((await down.cancelJob("j1")).status).toBe("cancelled");
    expect(writes).toEqual(["POST http://a.test/api/jobs/j1/cancel", "POST http://b.test/api/jobs/j1/cancel"]);
  });

  it("follows a live chain's versions until it stops, saying when the stream opened before the first version and each rerun under way", async () => {
    const version = (n: number) => ({ chain: "j1", version: n, dataset: `d${n}`, jobId: `j${n}`, status: "done", reused: n - 1, total: 2, result: n });
    const running = { chain: "j1", version: 2, dataset: "d2", jobId: "j2" };
    const { client } = fake(() => new Response(`: shoal\n\nevent: version\ndata: ${JSON.stringify(version(1))}\n\nevent: running\ndata: ${JSON.stringify(running)}\n\nevent: version\ndata: ${JSON.stringify(version(2))}\n\nevent: stopped\ndata: {"chain":"j1"}\n\nevent: version\ndata: {}\n\n`, { headers: { "Content-Type": "text/event-stream" } }));
    const seen: string[] = [];
    const onRunning = (r: { version: number; jobId: string }) => seen.push(`running v${r.version}:${r.jobId}`);
    for await (const event of client.watchLive("j1", { onOpen: () => seen.push("open"), onRunning })) seen.push(`v${event.version}:${event.reused}/${event.total}`);
    expect(seen).toEqual(["open", "v1:0/2", "running v2:j2", "v2:1/2"]);
    const { client: notLive } = fake(() => json(404, { error: "job j9 is not live" }));
    const opened: string[] = [];
    const watch = async () => {
      for await (const event of notLive.watchLive("j9", { onOpen: () => opened.push("open") })) void event;
    };
    await expect(watch()).rejects.toMatchObject({ status: 404, message: "job j9 is not live" });
    expect(opened).toEqual([]);
  });

  it("answers undefined for a dataset the coordinator lacks, and the script of a job", async () => {
    const { client } = fake((r) => (r.url.endsWith("/script") ? json(200, { script: "function map() end" }) : json(404, { error: "no" })));
    expect(await client.findDataset("ab", { name: "prices" })).toBeUndefined();
    expect(await client.getJobScript("j1")).toBe("function map() end");
  });

  it("gives up watching on a job the coordinator does not know", async () => {
    const { client } = fake(() => json(404, { error: "no job j9" }));
    const watch = async () => {
      for await (const event of client.watchJob("j9")) void event;
    };
    await expect(watch()).rejects.toMatchObject({ status: 404, message: "no job j9" });
  });

  it("sends the other calls to their endpoints", async () => {
    const { client, requests } = fake(() => json(200, {}));
    await client.checkScript("function map() end");
    await client.getJob("j/1");
    await client.cancelJob("j1");
    await client.listJobs({ limit: 5 });
    await client.listPeers();
    await client.getJobScript("j1");
    expect(await client.findDataset("ab", { name: "prices", time: "date" })).toEqual({});
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`)).toEqual([
      "POST /api/check",
      "GET /api/jobs/j%2F1",
      "POST /api/jobs/j1/cancel",
      "GET /api/jobs?limit=5",
      "GET /api/peers",
      "GET /api/jobs/j1/script",
      "GET /api/datasets/by-hash/ab?name=prices&time=date",
    ]);
    expect(await requests[0]!.json()).toEqual({ script: "function map() end" });
  });
});
