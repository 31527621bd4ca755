import type { ShardHash } from "@shoal/protocol";
import { encodeMessage } from "@shoal/protocol";
import { describe, expect, it, vi } from "vitest";
import type { Channel } from "../channel/Channel.ts";
import { MemoryChannel } from "../channel/MemoryChannel.ts";
import { fakeShard } from "../testing/runShardStoreTests.ts";
import { MemoryShardStore } from "./MemoryShardStore.ts";
import { serveShards } from "./serveShards.ts";
import { ShardFetcher } from "./ShardFetcher.ts";

const BASE = "http://coordinator.test/shards";

/** A fake HTTP origin serving `shards` (hash → bytes); counts requests. */
function origin(shards: Map<string, Uint8Array>) {
  return vi.fn(async (url: string | URL | Request) => {
    const bytes = shards.get(String(url).slice(BASE.length + 1));
    return bytes ? new Response(bytes.slice()) : new Response("not found", { status: 404 });
  });
}

/** Peers by id, each serving its own store over a fresh memory channel per dial. */
function peers(stores: Record<string, MemoryShardStore>, tamper?: (peerId: string, text: string) => string) {
  const dials: string[] = [];
  const dialPeer = async (peerId: string): Promise<Channel> => {
    dials.push(peerId);
    const store = stores[peerId];
    if (!store) throw new Error(`no peer ${peerId}`);
    const [mine, theirs] = MemoryChannel.pair();
    if (tamper) {
      const send = theirs.send.bind(theirs);
      theirs.send = (text: string) => send(tamper(peerId, text));
    }
    serveShards(theirs, store);
    return mine;
  };
  return { dialPeer, dials };
}

async function storeWith(...shards: Array<{ hash: ShardHash; bytes: Uint8Array }>): Promise<MemoryShardStore> {
  const store = new MemoryShardStore();
  for (const { hash, bytes } of shards) await store.put(hash, bytes);
  return store;
}

/** A store that counts its reads. */
function counting(store: MemoryShardStore) {
  const reads: string[] = [];
  const get = store.get.bind(store);
  store.get = async (hash) => {
    reads.push(hash);
    return get(hash);
  };
  return reads;
}

describe("ShardFetcher", () => {
  it("gives the latest shards from memory, reading the store once per shard while they fit", async () => {
    const [a, b, c] = await Promise.all([fakeShard(1), fakeShard(2), fakeShard(3)]);
    const store = await storeWith(a, b, c);
    const reads = counting(store);
    const fetcher = new ShardFetcher({ store, recentBytes: a.bytes.byteLength + b.bytes.byteLength });
    for (const shard of [a, a, b, a, b]) expect(await fetcher.get(shard.hash)).toEqual(shard.bytes);
    expect(reads).toEqual([a.hash, b.hash]);
    expect(await fetcher.get(c.hash)).toEqual(c.bytes); // drops a, the least recently used
    expect(await fetcher.get(b.hash)).toEqual(b.bytes);
    expect(await fetcher.get(a.hash)).toEqual(a.bytes);
    expect(reads).toEqual([a.hash, b.hash, c.hash, a.hash]);
    expect(fetcher.stats.cache).toBe(8);
  });

  it("keeps in memory no shard larger than its bound, nor one that failed to verify", async () => {
    const a = await fakeShard(1);
    const store = await storeWith(a);
    const reads = counting(store);
    const fetcher = new ShardFetcher({ store, recentBytes: a.bytes.byteLength - 1 });
    await fetcher.get(a.hash);
    await fetcher.get(a.hash);
    expect(reads).toEqual([a.hash, a.hash]);
    const b = await fakeShard(2);
    const lying = origin(new Map([[b.hash, a.bytes]]));
    const fromHttp = new ShardFetcher({ store: new MemoryShardStore(), httpBase: BASE, fetch: lying });
    await expect(fromHttp.get(b.hash)).rejects.toThrow(/wrong bytes/);
    await expect(fromHttp.get(b.hash)).rejects.toThrow(/wrong bytes/);
    expect(lying).toHaveBeenCalledTimes(2);
  });

  it("serves a cached shard without asking anyone", async () => {
    const a = await fakeShard(1);
    const fetch = origin(new Map());
    const fetcher = new ShardFetcher({ store: await storeWith(a), httpBase: BASE, fetch });
    expect(await fetcher.get(a.hash, ["p1"])).toEqual(a.bytes);
    expect(fetch).not.toHaveBeenCalled();
    expect(fetcher.stats).toMatchObject({ cache: 1, peer: 0, http: 0 });
  });

  it("gets a multi-chunk shard from a peer that holds it before trying HTTP, and caches it", async () => {
    const a = await fakeShard(2, 200_000);
    const fetch = origin(new Map([[a.hash, a.bytes]]));
    const { dialPeer, dials } = peers({ p1: await storeWith(), p2: await storeWith(a) });
    const store = new MemoryShardStore();
    const fetcher = new ShardFetcher({ store, httpBase: BASE, fetch, dialPeer });
    expect(same(await fetcher.get(a.hash, ["p1", "p2"]), a.bytes)).toBe(true);
    expect(dials).toEqual(["p1", "p2"]);
    expect(fetch).not.toHaveBeenCalled();
    expect(same(await store.get(a.hash), a.bytes)).toBe(true);
    expect(fetcher.stats).toMatchObject({ peer: 1, http: 0 });
  });

  it("drops a shard with the wrong bytes from a peer, reports the peer, never asks it again, and falls back to HTTP", async () => {
    const a = await fakeShard(3, 70_000);
    const b = await fakeShard(4, 10);
    const fetch = origin(new Map([[a.hash, a.bytes], [b.hash, b.bytes]]));
    const liar = await storeWith(a);
    const { dialPeer, dials } = peers({ liar }, (_, text) => text.replace(/"data":"(.)/, (_, c: string) => `"data":"${c === "A" ? "B" : "A"}`));
    const reports: string[] = [];
    const fetcher = new ShardFetcher({ store: new MemoryShardStore(), httpBase: BASE, fetch, dialPeer, onBadPeer: (id, why) => reports.push(`${id}: ${why}`) });
    expect(same(await fetcher.get(a.hash, ["liar"]), a.bytes)).toBe(true);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^liar: .*wrong bytes/);
    expect(await fetcher.get(b.hash, ["liar"])).toEqual(b.bytes);
    expect(dials).toEqual(["liar"]);
    expect(fetcher.stats).toMatchObject({ peer: 0, http: 2, badPeers: 1 });
  });

  it("reports a peer that breaks the exchange protocol", async () => {
    const a = await fakeShard(5);
    const fetch = origin(new Map([[a.hash, a.bytes]]));
    const { dialPeer } = peers({ rude: await storeWith(a) }, () => encodeMessage({ type: "shard-request", shard: a.hash }));
    const onBadPeer = vi.fn();
    const fetcher = new ShardFetcher({ store: new MemoryShardStore(), httpBase: BASE, fetch, dialPeer, onBadPeer });
    expect(await fetcher.get(a.hash, ["rude"])).toEqual(a.bytes);
    expect(onBadPeer).toHaveBeenCalledWith("rude", expect.stringMatching(/shard-request/));
  });

  it("moves on from peers that cannot be dialled or time out", async () => {
    const a = await fakeShard(6);
    const fetch = origin(new Map([[a.hash, a.bytes]]));
    const dialPeer = (id: string) => (id === "gone" ? Promise.reject(new Error("unavailable")) : new Promise<Channel>(() => undefined));
    const fetcher = new ShardFetcher({ store: new MemoryShardStore(), httpBase: BASE, fetch, dialPeer, peerTimeoutMs: 50 });
    expect(await fetcher.get(a.hash, ["gone", "silent"])).toEqual(a.bytes);
    expect(fetcher.stats.badPeers).toBe(0);
  });

  it("refuses HTTP bytes that do not match the hash, and stores nothing", async () => {
    const a = await fakeShard(7);
    const b = await fakeShard(8);
    const store = new MemoryShardStore();
    const fetcher = new ShardFetcher({ store, httpBase: BASE, fetch: origin(new Map([[a.hash, b.bytes]])) });
    await expect(fetcher.get(a.hash)).rejects.toThrow(/wrong bytes/);
    await expect(fetcher.get(b.hash)).rejects.toThrow(/HTTP 404/);
    expect(await store.list()).toEqual([]);
  });

  it("shares one download between concurrent requests for a shard", async () => {
    const a = await fakeShard(9);
    const fetch = origin(new Map([[a.hash, a.bytes]]));
    const fetcher = new ShardFetcher({ store: new MemoryShardStore(), httpBase: BASE, fetch });
    const got = await Promise.all([fetcher.get(a.hash), fetcher.get(a.hash), fetcher.get(a.hash)]);
    expect(got.every((bytes) => bytes.length === a.bytes.length)).toBe(true);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

function same(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((byte, i) => byte === b[i]);
}
