import "fake-indexeddb/auto";
import type { ShardHash } from "@shoal/protocol";
import { asShardHash } from "@shoal/protocol";
import type { Series } from "@shoal/timeseries";
import { decodeShard, encodeManifest, encodeShard, shardHash } from "@shoal/timeseries";
import { describe, expect, it, vi } from "vitest";
import { IdbShardStore } from "../browser/IdbShardStore.ts";
import type { Channel } from "../channel/Channel.ts";
import { MemoryChannel } from "../channel/MemoryChannel.ts";
import { MemoryShardStore } from "./MemoryShardStore.ts";
import { SeriesAssembler } from "./SeriesAssembler.ts";
import { serveShards } from "./serveShards.ts";
import { ShardFetcher } from "./ShardFetcher.ts";

const BASE = "http://coordinator.test/shards";

/** Rows `from` to `to` (exclusive) of one series, times and a close column. */
function rows(from: number, to: number): Series {
  const time = Float64Array.from({ length: to - from }, (_, i) => from + i);
  return { key: "k", time, columns: { close: time.map((t) => t * 1.5) } };
}

async function blob(bytes: Uint8Array): Promise<{ hash: ShardHash; bytes: Uint8Array }> {
  return { hash: asShardHash(await shardHash(bytes)), bytes };
}

/** A version of a series: its chunks and the manifest naming them. */
async function version(...pieces: Series[]) {
  const chunks = await Promise.all(pieces.map((piece) => blob(encodeShard(piece))));
  const manifest = await blob(encodeManifest(chunks.map((c, i) => ({ hash: c.hash, rows: pieces[i]!.time.length }))));
  return { chunks, manifest };
}

/** An HTTP origin serving `blobs`, recording each hash asked for. */
function origin(blobs: Array<{ hash: string; bytes: Uint8Array }>, forge: Map<string, Uint8Array> = new Map()) {
  const byHash = new Map(blobs.map((b) => [b.hash, b.bytes]));
  const asked: string[] = [];
  const fetch = vi.fn(async (url: string | URL | Request) => {
    const hash = String(url).slice(BASE.length + 1);
    asked.push(hash);
    const bytes = forge.get(hash) ?? byHash.get(hash);
    return bytes ? new Response(bytes.slice()) : new Response("not found", { status: 404 });
  });
  return { fetch, asked };
}

describe("SeriesAssembler", () => {
  it("with an IndexedDB cache, fetches only version 2's new chunk and manifest after version 1", async () => {
    const [a, b, c] = [rows(0, 100), rows(100, 150), rows(150, 151)];
    const v1 = await version(a, b);
    const v2 = await version(a, b, c);
    const { fetch, asked } = origin([v1.manifest, v2.manifest, ...v2.chunks]);
    const store = await IdbShardStore.open({ name: "assembler-reuse", maxBytes: 1 << 20 });
    const assembler = new SeriesAssembler(new ShardFetcher({ store, httpBase: BASE, fetch }));
    const first = await assembler.get(v1.manifest.hash);
    expect(Array.from(decodeShard(first.bytes).time)).toEqual(Array.from(rows(0, 150).time));
    expect(asked).toEqual([v1.manifest.hash, ...v1.chunks.map((x) => x.hash)]);
    asked.length = 0;
    const second = await assembler.get(v2.manifest.hash);
    expect(Array.from(decodeShard(second.bytes).columns.close!)).toEqual(Array.from(rows(0, 151).columns.close!));
    expect(asked).toEqual([v2.manifest.hash, v2.chunks[2]!.hash]);
    expect(second.hashes).toEqual([v2.manifest.hash, ...v2.chunks.map((x) => x.hash)]);
    store.close();
  });

  it("passes a plain shard through untouched, and keeps assembled series for the next task", async () => {
    const plain = await blob(encodeShard(rows(0, 10)));
    const v = await version(rows(0, 5), rows(5, 9));
    const { fetch, asked } = origin([plain, v.manifest, ...v.chunks]);
    const assembler = new SeriesAssembler(new ShardFetcher({ store: new MemoryShardStore(), httpBase: BASE, fetch }));
    expect((await assembler.get(plain.hash)).bytes).toEqual(plain.bytes);
    const once = await assembler.get(v.manifest.hash);
    expect(await assembler.get(v.manifest.hash)).toBe(once);
    expect(asked).toHaveLength(4);
  });

  it("refuses a forged chunk from the coordinator: nothing is assembled and the forgery is not cached", async () => {
    const v = await version(rows(0, 5), rows(5, 9));
    const forged = encodeShard(rows(5, 9));
    forged[forged.length - 1] ^= 1;
    const store = new MemoryShardStore();
    const { fetch } = origin([v.manifest, ...v.chunks], new Map([[v.chunks[1]!.hash, forged]]));
    const assembler = new SeriesAssembler(new ShardFetcher({ store, httpBase: BASE, fetch }));
    await expect(assembler.get(v.manifest.hash)).rejects.toThrow(/wrong bytes/);
    expect(await store.has(v.chunks[1]!.hash)).toBe(false);
  });

  it("refuses a forged chunk from a peer, reports the peer and gets the chunk over HTTP instead", async () => {
    const v = await version(rows(0, 5), rows(5, 9));
    const liarStore = new MemoryShardStore();
    for (const x of [v.manifest, ...v.chunks]) await liarStore.put(x.hash, x.bytes);
    const dialPeer = async (): Promise<Channel> => {
      const [mine, theirs] = MemoryChannel.pair();
      const send = theirs.send.bind(theirs);
      // The liar sends the manifest and the first chunk honestly, then flips a base64 character of the second chunk.
      const forge = (text: string) => text.replace(/"data":"(.)/, (_, ch: string) => `"data":"${ch === "A" ? "B" : "A"}`);
      theirs.send = (text: string) => send(text.includes(v.chunks[1]!.hash) ? forge(text) : text);
      serveShards(theirs, liarStore);
      return mine;
    };
    const reports: string[] = [];
    const { fetch } = origin([v.manifest, ...v.chunks]);
    const fetcher = new ShardFetcher({ store: new MemoryShardStore(), httpBase: BASE, fetch, dialPeer, onBadPeer: (id, why) => reports.push(`${id}: ${why}`) });
    const { bytes } = await new SeriesAssembler(fetcher).get(v.manifest.hash, ["liar"]);
    expect(Array.from(decodeShard(bytes).time)).toEqual(Array.from(rows(0, 9).time));
    expect(reports).toEqual([expect.stringMatching(/^liar: .*wrong bytes/)]);
    expect(fetcher.stats).toMatchObject({ peer: 2, http: 1, badPeers: 1 });
  });

  it("refuses a manifest whose chunks hold other rows than it says, or pass the byte limit together", async () => {
    const a = await blob(encodeShard(rows(0, 5)));
    const lying = await blob(encodeManifest([{ hash: a.hash, rows: 6 }]));
    const { fetch } = origin([a, lying]);
    await expect(new SeriesAssembler(new ShardFetcher({ store: new MemoryShardStore(), httpBase: BASE, fetch })).get(lying.hash)).rejects.toThrow(/has 5 rows; its manifest says 6/);
    const many = await version(rows(0, 40), rows(40, 80));
    const limited = new ShardFetcher({ store: new MemoryShardStore(), httpBase: BASE, fetch: origin([many.manifest, ...many.chunks]).fetch, maxShardBytes: many.chunks[0]!.bytes.byteLength + 10 });
    await expect(new SeriesAssembler(limited).get(many.manifest.hash)).rejects.toThrow(/pass the limit/);
  });
});
