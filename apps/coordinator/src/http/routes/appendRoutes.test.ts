import type { DatasetSummary, DatasetView } from "@shoal/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeShard } from "@shoal/timeseries";
import type { ErrorBody, TestCoordinator } from "../../testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "../../testing/startTestCoordinator.ts";

const BASE = "time,symbol,close\n2024-01-01,AAA,1\n2024-01-02,AAA,2\n2024-01-01,BBB,10\n";
const upload = (c: TestCoordinator, body: string, name = "prices") => c.api(`/api/datasets?name=${name}`, { method: "POST", body });
const append = (c: TestCoordinator, id: string, body: RequestInit["body"], init: RequestInit = {}) => c.api(`/api/datasets/${id}/append`, { method: "POST", body, ...init });

describe("POST /api/datasets/:id/append", () => {
  let c: TestCoordinator;
  beforeAll(async () => (c = await startTestCoordinator({ maxUploadBytes: 64 * 1024 })));
  afterAll(() => c.close());

  /** A fresh upload (its name makes the bytes' dedupe key unique) to append to. */
  let uploads = 0;
  const fresh = async (name: string) => json<DatasetView>(upload(c, BASE, `${name}-${++uploads}`));
  const shardRows = async (shard: string) => decodeShard(new Uint8Array(await (await fetch(`${c.url}/shards/${shard}`)).arrayBuffer()));

  it("adds rows to existing and new series as a new version; the old version and untouched shards stay", async () => {
    const v1 = await fresh("happy");
    const response = await append(c, v1.id, "time,symbol,close\n2024-01-03,AAA,3\n2024-01-04,AAA,4\n2024-01-02,CCC,7\n");
    expect(response.status).toBe(201);
    const v2 = await json<DatasetView>(response);
    expect(v2).toMatchObject({ parent: v1.id, version: 2, name: v1.name, rows: 6, columns: ["close"] });
    expect(v2.series.map((s) => [s.key, s.rows])).toEqual([["AAA", 4], ["BBB", 1], ["CCC", 1]]);
    expect(v2.series[1]?.shard).toBe(v1.series[1]?.shard);
    expect(v2.series[0]?.shard).not.toBe(v1.series[0]?.shard);
    const aaa = await shardRows(v2.series[0]!.shard);
    expect([...aaa.time]).toEqual([1, 2, 3, 4].map((d) => Date.UTC(2024, 0, d)));
    expect([...aaa.columns.close!]).toEqual([1, 2, 3, 4]);
    expect(await json<DatasetView>(c.api(`/api/datasets/${v1.id}`))).toEqual(v1);
    expect((await shardRows(v1.series[0]!.shard)).time.length).toBe(2);
    const v3 = await json<DatasetView>(append(c, v2.id, "time,symbol,close\n2024-01-05,AAA,5\n"));
    expect(v3).toMatchObject({ parent: v2.id, version: 3, rows: 7 });
    const listed = await json<DatasetSummary[]>(c.api("/api/datasets?limit=3"));
    expect(listed.map((d) => [d.id, d.parent, d.version])).toEqual([[v3.id, v2.id, 3], [v2.id, v1.id, 2], [v1.id, undefined, undefined]]);
  });

  it.each([
    ["a time not after the series' stored last one", "time,symbol,close\n2024-01-03,BBB,1\n2024-01-02,AAA,9\n", 3, /line 3: .*AAA.*not after 2024-01-02.*last stored time/],
    ["times out of order within the file", "time,symbol,close\n2024-01-05,AAA,1\n2024-01-09,CCC,1\n2024-01-04,AAA,2\n", 4, /line 4: .*AAA.*not after 2024-01-05.*\(line 2\)/],
    ["a repeated time", "time,symbol,close\n2024-01-05,AAA,1\n2024-01-05,AAA,2\n", 3, /line 3: .*not after/],
    ["a value that is not a number", "time,symbol,close\n2024-01-05,AAA,x\n", 2, /line 2: column "close"/],
    ["other columns", "time,symbol,open\n2024-01-05,AAA,1\n", 1, /line 1: the columns \["open"\] differ from the dataset's \["close"\]/],
    ["a row of the wrong width", "time,symbol,close\n2024-01-05,AAA\n", 2, /line 2: expected 3 cells/],
    ["a header and no rows", "time,symbol,close\n", 2, /no data rows/],
  ])("refuses %s with a 400 naming the line, and stores nothing", async (_name, body, line, message) => {
    const v1 = await fresh("bad");
    const before = (await json<DatasetSummary[]>(c.api("/api/datasets?limit=1000"))).length;
    const response = await append(c, v1.id, body);
    expect(response.status).toBe(400);
    const error = await json<ErrorBody>(response);
    expect(error.error).toMatch(message);
    expect(error.line).toBe(line);
    expect((await json<DatasetSummary[]>(c.api("/api/datasets?limit=1000"))).length).toBe(before);
    // Nothing half applied: the dataset is still the latest version and takes a good append.
    expect((await append(c, v1.id, "time,symbol,close\n2024-01-06,AAA,6\n")).status).toBe(201);
  });

  it("answers 404 for an unknown dataset and 409 for a version that is not the latest, replays included", async () => {
    const missing = await append(c, "d_nope", "time,symbol,close\n2024-01-05,AAA,1\n");
    expect(missing.status).toBe(404);
    expect((await json<ErrorBody>(missing)).error).toBe("no dataset d_nope");
    const v1 = await fresh("linear");
    const rows = "time,symbol,close\n2024-01-05,AAA,1\n";
    const v2 = await json<DatasetView>(append(c, v1.id, rows));
    const replay = await append(c, v1.id, rows);
    expect(replay.status).toBe(409);
    expect((await json<ErrorBody>(replay)).error).toMatch(new RegExp(`not the latest version: ${v2.id} was appended to it`));
    const [first, second] = await Promise.all([append(c, v2.id, "time,symbol,close\n2024-01-06,AAA,1\n"), append(c, v2.id, "time,symbol,close\n2024-01-07,AAA,1\n")]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
  });

  it("refuses an oversized body, declared or streamed, with a 413 and stores nothing", async () => {
    const v1 = await fresh("big");
    const big = `time,symbol,close\n${Array.from({ length: 5000 }, (_, i) => `${new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString()},AAA,${i}`).join("\n")}\n`;
    expect(big.length).toBeGreaterThan(64 * 1024);
    const declared = await append(c, v1.id, big);
    expect(declared.status).toBe(413);
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.subarray(i, i + 4096));
        controller.close();
      },
    });
    const streamed = await append(c, v1.id, stream, { duplex: "half" } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await append(c, v1.id, "time,symbol,close\n2024-01-06,AAA,6\n")).status).toBe(201);
  });

  it("needs the author token", async () => {
    const v1 = await fresh("auth");
    const response = await fetch(`${c.url}/api/datasets/${v1.id}/append`, { method: "POST", body: "time,symbol,close\n2024-01-06,AAA,6\n" });
    expect(response.status).toBe(401);
    expect((await append(c, v1.id, "time,symbol,close\n2024-01-06,AAA,6\n")).status).toBe(201);
  });
});
