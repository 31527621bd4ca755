import { decodeShard, encodeManifest, encodeShard } from "@shoal/timeseries";
import { describe, expect, it } from "vitest";
import type { Channel } from "../channel/Channel.ts";
import { MemoryChannel } from "../channel/MemoryChannel.ts";
import { BASE, blob, origin, rows, version } from "../testing/chunkedSeries.ts";
import { MemoryShardStore } from "./MemoryShardStore.ts";
import { SeriesAssembler } from "./SeriesAssembler.ts";
import { serveShards } from "./serveShards.ts";
import { ShardFetcher } from "./ShardFetcher.ts";

describe("SeriesAssembler", () => {
  it("passes a plain shard through untouched, and keeps assembled series for the next task", async () => {
    const plain = await blob(encodeShard(rows(0, 10)));
    const v = await version(rows(0, 5), rows(5, 9));
    const { fetch, asked } = origin([plain, v.manifest, ...v.chunks]);
    const assembler = new SeriesAssembler(new ShardFetcher({ store: new MemoryShardStore(), httpBase: BASE, fetch }));
    expect(await assembler.get(plain.hash)).toEqual(plain.bytes);
    const once = await assembler.get(v.manifest.hash);
    expect(await assembler.get(v.manifest.hash)).toBe(once);
    expect(asked).toHaveLength(4);
  });

  it("refuses a forged chunk from the coordinator: nothing is assembled and the forgery is not cached", async () => {
    const v = await version(rows(0, 5), rows(5, 9));
    const forged = encodeShard(rows(5, 9));
    forged[forged.length - 1] = forged.at(-1)! ^ 1;
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
    const bytes = await new SeriesAssembler(fetcher).get(v.manifest.hash, ["liar"]);
    expect(Array.from(decodeShard(bytes).time)).toEqual(Array.from(rows(0, 9).time));
    expect(reports).toEqual([expect.stringMatching(/^liar: .*wrong bytes/)]);
    expect(fetcher.stats).toMatchObject({ peer: 2, http: 1, badPeers: 1 });
  });

  it("refuses a chunk larger than the byte limit and caches nothing of it", async () => {
    const v = await version(rows(0, 5), rows(5, 500));
    const store = new MemoryShardStore();
    const fetcher = new ShardFetcher({ store, httpBase: BASE, fetch: origin([v.manifest, ...v.chunks]).fetch, maxShardBytes: v.chunks[0]!.bytes.byteLength + 100 });
    await expect(new SeriesAssembler(fetcher).get(v.manifest.hash)).rejects.toThrow(/more than the limit|more than \d+ bytes/);
    expect(await store.has(v.chunks[1]!.hash)).toBe(false);
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
