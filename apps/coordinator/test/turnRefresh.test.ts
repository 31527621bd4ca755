import { afterAll, beforeAll, expect, it } from "vitest";
import { asShardHash, canonicalJson } from "@shoal/protocol";
import type { IceServer } from "@shoal/protocol";
import { gatherCandidates, MemoryShardStore, ShardPeer } from "@shoal/worker";
import { makeNodePeerConnection, NodeVolunteer, openNodePeer } from "@shoal/worker/node";
import type { Coturn } from "@shoal/worker/node/testing";
import { startCoturn } from "@shoal/worker/node/testing";
import type { DatasetView } from "../src/http/routes/datasetRoutes.ts";
import { shoalRunSmallSma } from "../src/testing/fixtures.ts";
import { GridHarness, helloOf } from "../src/testing/GridHarness.ts";
import { json } from "../src/testing/startTestCoordinator.ts";

/*
 * TURN credentials last --turn-ttl; a volunteer connected longer than that must not be left with
 * expired ones. With a 4 s TTL and a real coturn, both ends of a shard exchange are relay-only and
 * were welcomed with credentials that coturn refuses by the time the job comes: the exchange still
 * crosses the relay, with the credentials the coordinator sent in `ice-servers` messages since.
 */

const TTL_SECONDS = 4;
let coturn: Coturn;
let grid: GridHarness;
let reference: string;
const cleanup: Array<() => unknown> = [];

beforeAll(async () => {
  coturn = await startCoturn({ port: 8212, minPort: 49300, maxPort: 49320 });
  [grid, reference] = await Promise.all([
    GridHarness.start({ webrtc: {}, ice: { servers: [{ urls: coturn.url }], turnSecret: coturn.secret, credentialTtlSeconds: TTL_SECONDS } }),
    shoalRunSmallSma(),
  ]);
});
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  await grid?.close();
  await coturn?.close();
});

const relays = async (server: IceServer) => (await gatherCandidates(makeNodePeerConnection, [server], { relayOnly: true })).relay;
const expiryOf = (server: IceServer | undefined) => Number(server?.username?.split(":")[0]);

it("a relay-only exchange still crosses coturn after the welcome's credentials expired, with the ones sent since", { timeout: 120_000 }, async () => {
  const log: string[] = [];
  const donor = await NodeVolunteer.start({ coordinatorUrl: grid.coordinator.url, threads: 2, transport: "ws", relayOnly: true, shardPeerTimeoutMs: 30_000, log: (line) => log.push(line) });
  cleanup.push(() => donor.stop());
  for (let i = 0; !log.some((line) => line.includes("connected to the coordinator")) && i < 400; i++) await new Promise((resolve) => setTimeout(resolve, 25));

  // The holder is welcomed after the donor, so once its first credentials expired, the donor's did too.
  const dataset = await json<DatasetView>(grid.coordinator.api(`/api/datasets/${grid.dataset}`));
  const hashes = dataset.series.map((series) => asShardHash(series.shard));
  const store = new MemoryShardStore();
  for (const hash of hashes) await store.put(hash, new Uint8Array(await (await fetch(`${grid.coordinator.url}/shards/${hash}`)).arrayBuffer()));
  const holder = await grid.client();
  holder.send(helloOf({ shards: hashes }));
  const welcome = await holder.next("welcome");
  const first = welcome.iceServers![0]!;
  const serving = new ShardPeer(openNodePeer, grid.coordinator.url, store, () => undefined);
  cleanup.push(() => serving.close());
  await serving.serveAs(welcome.shardHandle, { iceServers: welcome.iceServers!, iceTransportPolicy: "relay" });
  expect(serving.serving).toBe(true);
  const heartbeat = setInterval(() => holder.send({ type: "heartbeat" }), 1_000);
  cleanup.push(() => clearInterval(heartbeat));

  // Renewed every half TTL: the third renewal comes after the first credentials' expiry.
  let latest = first;
  for (let renewals = 0; renewals < 3; renewals++) {
    const { iceServers } = await holder.next("ice-servers", 30_000);
    latest = iceServers[0]!;
    serving.useIceServers(iceServers);
  }
  expect(expiryOf(latest)).toBeGreaterThan(expiryOf(first));
  expect(latest.username).toMatch(new RegExp(`^\\d+:${welcome.peerId}$`));
  expect(await relays(first)).toBe(0);
  expect(await relays(latest)).toBeGreaterThan(0);

  const job = await grid.submitSma();
  expect((await grid.finished(job.id, 90_000)).status).toBe("done");
  expect(canonicalJson(await grid.result(job.id))).toBe(reference);
  const status = await donor.status();
  expect(log.filter((line) => line.includes("not got from peer"))).toEqual([]);
  expect(status.shards).toMatchObject({ peer: hashes.length, http: 0 });
  // coturn allocated for the donor under credentials issued after its welcome's had expired.
  const donorExpiries = [...coturn.log().matchAll(new RegExp(`(\\d+):${status.peerId}`, "g"))].map((match) => Number(match[1]));
  expect(Math.max(...donorExpiries)).toBeGreaterThan(expiryOf(first));
});
