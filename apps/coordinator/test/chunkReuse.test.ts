import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DatasetView, JobView } from "@shoal/protocol";
import { decodeManifest } from "@shoal/timeseries";
import { NodeVolunteer } from "@shoal/worker/node";
import { SMALL_SMA_SPEC, SP500_CSV } from "../src/testing/fixtures.ts";
import type { TestCoordinator } from "../src/testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "../src/testing/startTestCoordinator.ts";

/*
 * A Node volunteer with an on-disk shard cache runs a job on version 1 of the S&P 500 sample, then
 * on version 2 (one more bar). Chunks are sealed at 1,000 rows here, so version 1 is five sealed
 * chunks, a tail and the manifest listing them; version 2 shares all six chunks and adds one, so
 * the second job costs the coordinator's real /shards route two requests: the new manifest and the
 * new chunk.
 */

const BAR = "date,open,high,low,close,adjclose,volume\n2020-04-20,2845.620117,2868.979980,2820.429932,2823.159912,2823.159912,5220160000\n";

let c: TestCoordinator;
let volunteer: NodeVolunteer;

beforeAll(async () => {
  c = await startTestCoordinator({ chunkRows: 1_000 });
  volunteer = await NodeVolunteer.start({ coordinatorUrl: c.url, threads: 2, transport: "ws", peerShards: false, cacheDir: mkdtempSync(join(tmpdir(), "shoal-cache-")) });
});
afterAll(async () => {
  await volunteer?.stop();
  await c?.close();
});

/** Shards, chunks and manifests the coordinator has sent whole over HTTP. */
async function served(): Promise<number> {
  const text = await (await c.api("/metrics")).text();
  return Number(/^shoal_shards_served_total (\d+)$/m.exec(text)?.[1]);
}

async function finish(dataset: string): Promise<JobView> {
  const created = await c.api("/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec: SMALL_SMA_SPEC }), headers: { "Content-Type": "application/json" } });
  expect(created.status, await created.clone().text()).toBe(201);
  const { id } = await json<JobView>(created);
  for (;;) {
    const view = await json<JobView>(c.api(`/api/jobs/${id}`));
    if (view.status !== "queued" && view.status !== "running") return view;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it("a volunteer that ran version 1 fetches only version 2's new chunk and manifest over HTTP", { timeout: 120_000 }, async () => {
  const v1 = await json<DatasetView>(c.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }));
  expect((await finish(v1.id)).status).toBe("done");
  const chunks1 = decodeManifest(new Uint8Array(await (await fetch(`${c.url}/shards/${v1.series[0]!.shard}`)).arrayBuffer()));
  expect(chunks1.map((chunk) => chunk.rows)).toEqual([1000, 1000, 1000, 1000, 1000, 105]);
  const afterV1 = await served();
  // The manifest and every chunk, once each (plus the test's own read of the manifest above).
  expect(afterV1).toBe(1 + chunks1.length + 1);

  const v2 = await json<DatasetView>(c.api(`/api/datasets/${v1.id}/append`, { method: "POST", body: BAR }));
  const manifest2 = await fetch(`${c.url}/shards/${v2.series[0]!.shard}`);
  expect(manifest2.headers.get("cache-control")).toContain("immutable");
  const chunks2 = decodeManifest(new Uint8Array(await manifest2.arrayBuffer()));
  expect(chunks2.slice(0, chunks1.length)).toEqual(chunks1);
  expect(chunks2).toHaveLength(chunks1.length + 1);
  expect(v2.series[0]!.chunks).toEqual(chunks2);
  const before = await served();
  expect((await finish(v2.id)).status).toBe("done");
  expect((await served()) - before).toBe(2);
  const { shards } = await volunteer.status();
  expect(shards.http).toBe(chunks1.length + 1 + 2);
  expect(shards.held).toBe(chunks1.length + 1 + 2);
});
