import { afterAll, beforeAll, expect, it } from "vitest";
import type { Reach } from "@shoal/protocol";
import { asShardHash } from "@shoal/protocol";
import type { PeerView } from "@shoal/protocol";
import type { DatasetView } from "../src/http/routes/datasetRoutes.ts";
import { GridHarness } from "../src/testing/GridHarness.ts";
import { json } from "../src/testing/startTestCoordinator.ts";

/*
 * The scheduler suggests shard exchange only between peers that can reach each other: a peer
 * whose connectivity check found no data channel (WebSocket-only) is never named as a holder, and
 * is never given holders. Raw clients: a holder that announced every shard in its hello and never
 * asks for work, and an asker that takes one task.
 */

let grid: GridHarness;
beforeAll(async () => {
  grid = await GridHarness.start();
});
afterAll(() => grid.close());

/** Whether the asker, on its first assignment, is told the holder holds the task's shard. */
async function askerIsToldOfHolder(holderReach: Reach | undefined, askerReach: Reach | undefined): Promise<boolean> {
  const dataset = await json<DatasetView>(grid.coordinator.api(`/api/datasets/${grid.dataset}`));
  const job = await grid.submitSma();
  const { client: holder, welcome: held } = await grid.hello({ shards: dataset.series.map((series) => asShardHash(series.shard)) });
  const { client: asker, welcome: asking } = await grid.hello();
  if (holderReach) holder.send({ type: "connectivity", reach: holderReach });
  if (askerReach) asker.send({ type: "connectivity", reach: askerReach });
  await until(async () => {
    const peers = await json<PeerView[]>(grid.coordinator.api("/api/peers"));
    return peers.find((p) => p.id === held.peerId)?.reach === holderReach && peers.find((p) => p.id === asking.peerId)?.reach === askerReach;
  });
  asker.send({ type: "request-work", freeSlots: 1 });
  await asker.next("assign");
  const named = asker.drain().flatMap((message) => (message.type === "shard-holders" ? message.handles : []));
  await grid.coordinator.api(`/api/jobs/${job.id}/cancel`, { method: "POST" });
  await grid.closeClients();
  return named.includes(held.shardHandle);
}

it("names a holder that reported direct or relay-only reach, or none yet", async () => {
  expect(await askerIsToldOfHolder(undefined, undefined)).toBe(true);
  expect(await askerIsToldOfHolder("direct", "relay-only")).toBe(true);
  expect(await askerIsToldOfHolder("relay-only", "direct")).toBe(true);
});

it("never names a WebSocket-only holder, and names nobody to a WebSocket-only asker", async () => {
  expect(await askerIsToldOfHolder("websocket-only", "direct")).toBe(false);
  expect(await askerIsToldOfHolder("direct", "websocket-only")).toBe(false);
});

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i > 400) throw new Error("the coordinator never showed the reported reach");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
