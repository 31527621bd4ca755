import "fake-indexeddb/auto";
import { decodeShard } from "@shoal/timeseries";
import { describe, expect, it } from "vitest";
import { SeriesAssembler } from "../shards/SeriesAssembler.ts";
import { ShardFetcher } from "../shards/ShardFetcher.ts";
import { BASE, origin, rows, version } from "../testing/chunkedSeries.ts";
import { IdbShardStore } from "./IdbShardStore.ts";

describe("a donor page's chunk cache (IndexedDB)", () => {
  it("with an IndexedDB cache, fetches only version 2's new chunk and manifest after version 1", async () => {
    const [a, b, c] = [rows(0, 100), rows(100, 150), rows(150, 151)];
    const v1 = await version(a, b);
    const v2 = await version(a, b, c);
    const { fetch, asked } = origin([v1.manifest, v2.manifest, ...v2.chunks]);
    const store = await IdbShardStore.open({ name: "assembler-reuse", maxBytes: 1 << 20 });
    const assembler = new SeriesAssembler(new ShardFetcher({ store, httpBase: BASE, fetch }));
    const first = await assembler.get(v1.manifest.hash);
    expect(Array.from(decodeShard(first).time)).toEqual(Array.from(rows(0, 150).time));
    expect(asked).toEqual([v1.manifest.hash, ...v1.chunks.map((x) => x.hash)]);
    asked.length = 0;
    const second = await assembler.get(v2.manifest.hash);
    expect(Array.from(decodeShard(second).columns.close!)).toEqual(Array.from(rows(0, 151).columns.close!));
    expect(asked).toEqual([v2.manifest.hash, v2.chunks[2]!.hash]);
    for (const x of [v1.manifest, v2.manifest, ...v2.chunks]) expect(await store.has(x.hash)).toBe(true);
    store.close();
  });

});
