import type { DatasetSummary, DatasetView } from "@shoal/protocol";
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeShard } from "@shoal/timeseries";
import { SP500_CSV } from "../../testing/fixtures.ts";
import type { ErrorBody, TestCoordinator } from "../../testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "../../testing/startTestCoordinator.ts";

const SP500_HASH = createHash("sha256").update(SP500_CSV).digest("hex");
const upload = (c: TestCoordinator, body: string | Uint8Array, query = "name=sp500") => c.api(`/api/datasets?${query}`, { method: "POST", body });

describe("datasets over HTTP", () => {
  let c: TestCoordinator;
  beforeAll(async () => (c = await startTestCoordinator({ maxUploadBytes: 1024 * 1024 })));
  afterAll(() => c.close());

  it("stores an upload as one shard per series and serves the shard immutably by hash", async () => {
    const response = await upload(c, SP500_CSV);
    expect(response.status).toBe(201);
    const dataset = await json<DatasetView>(response);
    expect(dataset).toMatchObject({ name: "sp500", hash: SP500_HASH, bytes: SP500_CSV.byteLength, rows: 5105, columns: ["open", "high", "low", "close", "adjclose", "volume"] });
    expect(dataset.series).toHaveLength(1);
    const series = dataset.series[0]!;
    expect(series).toMatchObject({ key: "sp500", rows: 5105, from: Date.UTC(2000, 0, 3) });

    const shard = await fetch(`${c.url}/shards/${series.shard}`);
    expect(shard.status).toBe(200);
    expect(shard.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(shard.headers.get("etag")).toBe(`"${series.shard}"`);
    expect(shard.headers.get("access-control-allow-origin")).toBe("*");
    const bytes = new Uint8Array(await shard.arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(series.shard);
    expect(decodeShard(bytes).columns.close?.length).toBe(5105);
    const again = await fetch(`${c.url}/shards/${series.shard}`, { headers: { "If-None-Match": `"${series.shard}"` } });
    expect(again.status).toBe(304);
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toContain(`shoal_shard_bytes_served_total ${bytes.byteLength}`);
    expect((await fetch(`${c.url}/shards/${"0".repeat(64)}`)).status).toBe(404);
    expect((await fetch(`${c.url}/shards/..%2Fshoal.db`)).status).toBe(400);
  });

  it("returns the stored dataset for the same bytes and options, and finds it by the CSV's sha256", async () => {
    const first = await json<DatasetView>(upload(c, SP500_CSV));
    const second = await upload(c, SP500_CSV);
    expect(second.status).toBe(200);
    expect((await json<DatasetView>(second)).id).toBe(first.id);
    const renamed = await upload(c, SP500_CSV, "name=spx");
    expect(renamed.status).toBe(201);
    expect((await json<DatasetView>(renamed)).series[0]?.key).toBe("spx");
    expect((await json<DatasetView>(c.api(`/api/datasets/by-hash/${SP500_HASH}?name=sp500`))).id).toBe(first.id);
    expect((await c.api(`/api/datasets/by-hash/${SP500_HASH}`)).status).toBe(200);
    expect((await c.api(`/api/datasets/by-hash/${"f".repeat(64)}`)).status).toBe(404);
    expect((await c.api(`/api/datasets/by-hash/${SP500_HASH}?name=other`)).status).toBe(404);
    expect((await c.api(`/api/datasets/${first.id}`)).status).toBe(200);
    expect((await c.api("/api/datasets/d_nope")).status).toBe(404);
    const list = await json<DatasetSummary[]>(c.api("/api/datasets"));
    expect(list.map((d) => d.name).sort()).toEqual(["sp500", "spx"]);
    expect(list.map((d) => ({ seriesCount: d.seriesCount, listsSeries: "series" in d }))).toEqual([{ seriesCount: 1, listsSeries: false }, { seriesCount: 1, listsSeries: false }]);
    expect(await json<DatasetSummary[]>(c.api("/api/datasets?limit=1"))).toHaveLength(1);
  });

  it("rejects a bad row with its line number and stores nothing of it", async () => {
    const shardsBefore = readdirSync(join(c.dataDir, "shards")).length;
    const csv = "time,symbol,close\n2024-01-01,AAA,1\n2024-01-02,AAA,oops\n2024-01-03,AAA,3\n";
    const response = await upload(c, csv, "name=bad");
    expect(response.status).toBe(400);
    expect(await json<ErrorBody>(response)).toEqual({ error: 'line 3: column "close": "oops" is not a number', line: 3 });
    const dup = await upload(c, "time,close\n2024-01-01,1\n2024-01-01,2\n", "name=dup");
    expect(dup.status).toBe(400);
    expect((await json<ErrorBody>(dup)).line).toBe(3);
    expect((await upload(c, "time,close\n", "name=empty")).status).toBe(400);
    expect((await upload(c, new Uint8Array([0x74, 0xff, 0x0a]), "name=binary")).status).toBe(400);
    expect((await upload(c, "time,close\n2024-01-01,1\n", "")).status).toBe(400);
    expect(readdirSync(join(c.dataDir, "shards"))).toHaveLength(shardsBefore);
    expect(readdirSync(join(c.dataDir, "tmp"))).toEqual([]);
    const names = (await json<DatasetSummary[]>(c.api("/api/datasets"))).map((d) => d.name);
    expect(names).not.toContain("bad");
  });

  it("answers 413 to an upload over the limit, declared or streamed", async () => {
    const big = new Uint8Array(2 * 1024 * 1024).fill(0x31);
    const declared = await upload(c, big, "name=big");
    expect(declared.status).toBe(413);
    let row = 0;
    const rows = (n: number) => Array.from({ length: n }, () => `${new Date(Date.UTC(2000, 0, 1) + 1000 * row++).toISOString()},1\n`).join("");
    const stream = new ReadableStream<Uint8Array>({
      start: (ctl) => ctl.enqueue(new TextEncoder().encode("time,close\n")),
      pull: (ctl) => (row < 100_000 ? ctl.enqueue(new TextEncoder().encode(rows(1000))) : ctl.close()),
    });
    const streamed = await c.api("/api/datasets?name=streamed", { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await json<ErrorBody>(streamed)).error).toMatch(/larger than 1048576 bytes/);
  });

  it("asks for the author token on every /api route and nowhere else", async () => {
    for (const path of ["/api/datasets", "/api/jobs", "/api/peers", "/api/nothing-here"]) {
      expect((await fetch(`${c.url}${path}`)).status).toBe(401);
      expect((await fetch(`${c.url}${path}`, { headers: { Authorization: "Bearer shoal_wrong" } })).status).toBe(401);
    }
    expect((await fetch(`${c.url}/api/datasets?name=x`, { method: "POST", body: "time,close\n2024-01-01,1\n" })).status).toBe(401);
    expect(await json<unknown>(fetch(`${c.url}/healthz`))).toEqual({ ok: true });
    expect((await fetch(`${c.url}/metrics`)).status).toBe(200);
    const home = await fetch(`${c.url}/`);
    expect(home.headers.get("content-type")).toMatch(/text\/html/);
    expect(await home.text()).toMatch(/coordinator is up/);
    expect((await c.api("/api/nothing-here")).status).toBe(404);
    expect((await c.api("/api/datasets", { method: "DELETE" })).status).toBe(405);
  });
});
