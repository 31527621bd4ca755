import { afterAll, beforeAll, expect, it } from "vitest";
import type { Reach } from "@shoal/protocol";
import { asShardHash, canonicalJson } from "@shoal/protocol";
import { MemoryShardStore, ShardPeer } from "@shoal/worker";
import { NodeVolunteer, openNodePeer } from "@shoal/worker/node";
import type { Coturn } from "@shoal/worker/node/testing";
import { startCoturn } from "@shoal/worker/node/testing";
import type { PeerView } from "@shoal/protocol";
import type { DatasetView } from "../src/http/routes/datasetRoutes.ts";
import { shoalRunSmallSma } from "../src/testing/fixtures.ts";
import { GridHarness, helloOf } from "../src/testing/GridHarness.ts";
import { json } from "../src/testing/startTestCoordinator.ts";

/*
 * A donor behind a strict NAT, played by a volunteer whose data channels may use only TURN
 * relays (iceTransportPolicy "relay"): with the coordinator's --ice-servers and --turn-secret it
 * gets coturn credentials in its welcome, runs a whole job, and gets every shard from another
 * volunteer through coturn (none over HTTP). The holder is a session that announced the shards
 * in its hello and serves them from its shard peer, and never asks for work, so all tasks go to
 * the relay-only volunteer.
 */

let coturn: Coturn;
let grid: GridHarness;
let reference: string;
const cleanup: Array<() => unknown> = [];

beforeAll(async () => {
  coturn = await startCoturn({ port: 8189, minPort: 49180, maxPort: 49199 });
  [grid, reference] = await Promise.all([
    GridHarness.start({ webrtc: {}, ice: { servers: [{ urls: coturn.url }], turnSecret: coturn.secret } }),
    shoalRunSmallSma(),
  ]);
});
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  await grid?.close();
  await coturn?.close();
});

it("a relay-only volunteer completes a job and gets its shards from a peer through coturn, none over HTTP", { timeout: 120_000 }, async () => {
  const dataset = await json<DatasetView>(grid.coordinator.api(`/api/datasets/${grid.dataset}`));
  const store = new MemoryShardStore();
  const hashes = dataset.series.map((series) => asShardHash(series.shard));
  for (const hash of hashes) await store.put(hash, new Uint8Array(await (await fetch(`${grid.coordinator.url}/shards/${hash}`)).arrayBuffer()));

  const holder = await grid.client();
  holder.send(helloOf({ shards: hashes }));
  const holderWelcome = await holder.next("welcome");
  expect(holderWelcome.iceServers?.[0]?.username).toMatch(new RegExp(`^\\d+:${holderWelcome.peerId}$`));
  expect(JSON.stringify(holderWelcome)).not.toContain(coturn.secret);
  const serving = new ShardPeer(openNodePeer, grid.coordinator.url, store, () => undefined);
  cleanup.push(() => serving.close());
  await serving.serveAs(holderWelcome.shardHandle, { iceServers: holderWelcome.iceServers ?? [] });
  expect(serving.serving).toBe(true);
  const heartbeat = setInterval(() => holder.send({ type: "heartbeat" }), 1_000);
  cleanup.push(() => clearInterval(heartbeat));

  const log: string[] = [];
  const donor = await NodeVolunteer.start({ coordinatorUrl: grid.coordinator.url, threads: 2, transport: "ws", relayOnly: true, shardPeerTimeoutMs: 30_000, log: (line) => log.push(line) });
  cleanup.push(() => donor.stop());
  const job = await grid.submitSma();
  expect((await grid.finished(job.id, 90_000)).status).toBe("done");
  expect(canonicalJson(await grid.result(job.id))).toBe(reference);

  const status = await donor.status();
  expect(log.filter((line) => line.includes("not got from peer"))).toEqual([]);
  expect(status.done).toBeGreaterThan(0);
  expect(status.shards).toMatchObject({ peer: hashes.length, http: 0 });
  // coturn saw an allocation under the donor's own credentials: the shards crossed the relay.
  expect(coturn.log()).toContain(`:${status.peerId}`);
  expect(status.reach).toBe("relay-only");
  expect(await shownReach(status.peerId!, "relay-only")).toBe("relay-only");
});

it("a volunteer that does not exchange shards reports itself WebSocket-only", async () => {
  const plain = await NodeVolunteer.start({ coordinatorUrl: grid.coordinator.url, threads: 1, transport: "ws", peerShards: false });
  cleanup.push(() => plain.stop());
  for (let i = 0; (await plain.status()).reach === undefined && i < 400; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  const { peerId, reach } = await plain.status();
  expect(reach).toBe("websocket-only");
  expect(await shownReach(peerId!, "websocket-only")).toBe("websocket-only");
});

/** The reach /api/peers shows for `peerId`, once it is `expected` or after 10 s (then whatever it is). */
async function shownReach(peerId: string, expected: Reach): Promise<Reach | undefined> {
  let shown: Reach | undefined;
  for (let i = 0; i < 400 && shown !== expected; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 25));
    shown = (await json<PeerView[]>(grid.coordinator.api("/api/peers"))).find((peer) => peer.id === peerId)?.reach;
  }
  return shown;
}
