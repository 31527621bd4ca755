import type { ShardHash } from "@shoal/protocol";
import { asShardHash } from "@shoal/protocol";
import { shardHash } from "@shoal/timeseries";
import { describe, expect, it } from "vitest";
import type { ShardStore } from "../shards/ShardStore.ts";
import { ShardHashMismatch } from "../shards/ShardStore.ts";

/** Bytes of a made-up shard of `size` bytes and their address. */
export async function fakeShard(seed: number, size = 1000): Promise<{ hash: ShardHash; bytes: Uint8Array }> {
  const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed * 17) & 0xff);
  return { hash: asShardHash(await shardHash(bytes)), bytes };
}

/** The behaviour every ShardStore must show; `create` makes an empty store. */
export function runShardStoreTests(name: string, create: (options: { maxBytes?: number }) => Promise<ShardStore>): void {
  describe(`ShardStore: ${name}`, () => {
    it("knows nothing at first", async () => {
      const store = await create({});
      const { hash } = await fakeShard(1);
      expect(await store.get(hash)).toBeUndefined();
      expect(await store.has(hash)).toBe(false);
      expect(await store.list()).toEqual([]);
      expect(await store.bytesUsed()).toBe(0);
    });

    it("gives back what it was given, and counts it once however often it is put", async () => {
      const store = await create({});
      const a = await fakeShard(1, 1000);
      const b = await fakeShard(2, 500);
      await store.put(a.hash, a.bytes);
      await store.put(b.hash, b.bytes);
      await store.put(a.hash, a.bytes);
      expect(await store.get(a.hash)).toEqual(a.bytes);
      expect(await store.has(b.hash)).toBe(true);
      expect((await store.list()).sort()).toEqual([a.hash, b.hash].sort());
      expect(await store.bytesUsed()).toBe(1500);
    });

    it("keeps its own copy of the bytes", async () => {
      const store = await create({});
      const a = await fakeShard(3);
      const original = a.bytes.slice();
      await store.put(a.hash, a.bytes);
      a.bytes[0] = (a.bytes[0]! + 1) & 0xff;
      expect(await store.get(a.hash)).toEqual(original);
    });

    it("refuses bytes that do not hash to their address", async () => {
      const store = await create({});
      const a = await fakeShard(4);
      const b = await fakeShard(5);
      await expect(store.put(a.hash, b.bytes)).rejects.toBeInstanceOf(ShardHashMismatch);
      expect(await store.has(a.hash)).toBe(false);
      expect(await store.bytesUsed()).toBe(0);
    });

    it("evicts the least recently used shards to stay within its quota", async () => {
      const store = await create({ maxBytes: 2500 });
      const [a, b, c] = await Promise.all([fakeShard(6), fakeShard(7), fakeShard(8)]);
      await store.put(a!.hash, a!.bytes);
      await store.put(b!.hash, b!.bytes);
      await store.get(a!.hash);
      await store.put(c!.hash, c!.bytes);
      expect(await store.has(a!.hash)).toBe(true);
      expect(await store.has(b!.hash)).toBe(false);
      expect(await store.has(c!.hash)).toBe(true);
      expect(await store.bytesUsed()).toBe(2000);
    });
  });
}
