import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { PeerServer } from "peer";
import type { Peer } from "peerjs";
import { asShardHash } from "@shoal/protocol";
import { shardHash } from "@shoal/timeseries";
import { afterAll, beforeAll, expect, test } from "vitest";
import { PeerJsChannel } from "../channel/PeerJsChannel.ts";
import { SEND_LIMITS } from "../channel/SendQueue.ts";
import { MemoryShardStore } from "../shards/MemoryShardStore.ts";
import { requestShard } from "../shards/requestShard.ts";
import { serveShards } from "../shards/serveShards.ts";
import { verifyShard } from "../shards/verifyShard.ts";
import { openNodePeer } from "./nodePeerJs.ts";

let server: Server;
let url = "";
let holder: Peer;
const store = new MemoryShardStore();
const served: PeerJsChannel[] = [];

beforeAll(async () => {
  server = await new Promise<Server>((resolve) => PeerServer({ host: "127.0.0.1", port: 0, path: "/peerjs" }, (s) => resolve(s as Server)));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  holder = await openNodePeer(url, "large-shard-holder");
  holder.on("connection", (connection) =>
    connection.on("open", () => {
      const channel = new PeerJsChannel(connection);
      served.push(channel);
      serveShards(channel, store);
    }),
  );
});

afterAll(async () => {
  holder.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test("sends a 17 MiB shard peer to peer over @roamhq/wrtc, never holding more than the high-water mark and one chunk", async () => {
  const bytes = new Uint8Array(randomBytes(17 * 1024 * 1024 + 12_345));
  const hash = asShardHash(await shardHash(bytes));
  await store.put(hash, bytes);
  const dialer = await openNodePeer(url);
  try {
    const channel = await PeerJsChannel.connect(dialer, "large-shard-holder");
    const started = performance.now();
    const received = await requestShard(channel, hash, { timeoutMs: 30_000, maxBytes: 64 * 1024 * 1024 });
    const seconds = (performance.now() - started) / 1000;
    console.log(`17 MiB shard over wrtc: ${seconds.toFixed(2)} s, ${(bytes.byteLength / 1e6 / seconds).toFixed(1)} MB/s; sender's peak queue ${served[0]?.peakQueuedBytes} bytes`);
    expect(received?.byteLength).toBe(bytes.byteLength);
    await verifyShard(hash, received!);
    const oneChunkMessage = Math.ceil((64 * 1024) / 3) * 4 + 512;
    expect(served).toHaveLength(1);
    expect(served[0]!.peakQueuedBytes).toBeLessThanOrEqual(SEND_LIMITS.highWaterBytes + oneChunkMessage);
    channel.close();
  } finally {
    dialer.destroy();
  }
});
