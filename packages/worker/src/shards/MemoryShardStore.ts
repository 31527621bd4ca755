import type { ShardHash } from "@shoal/protocol";
import { LruIndex } from "./LruIndex.ts";
import type { ShardStore } from "./ShardStore.ts";
import { verifyShard } from "./verifyShard.ts";

/** A shard store in memory, with an optional byte quota (LRU eviction). */
export class MemoryShardStore implements ShardStore {
  readonly #shards = new Map<ShardHash, Uint8Array>();
  readonly #lru = new LruIndex<ShardHash>();
  readonly #maxBytes: number;

  constructor(options: { maxBytes?: number } = {}) {
    this.#maxBytes = options.maxBytes ?? Infinity;
  }

  async get(hash: ShardHash): Promise<Uint8Array | undefined> {
    this.#lru.touch(hash);
    return this.#shards.get(hash);
  }

  async put(hash: ShardHash, bytes: Uint8Array): Promise<void> {
    await verifyShard(hash, bytes);
    for (const victim of this.#lru.victims(bytes.byteLength, this.#maxBytes, hash)) {
      this.#shards.delete(victim);
      this.#lru.delete(victim);
    }
    this.#shards.set(hash, bytes.slice());
    this.#lru.set(hash, bytes.byteLength);
  }

  async has(hash: ShardHash): Promise<boolean> {
    return this.#shards.has(hash);
  }

  async list(): Promise<ShardHash[]> {
    return [...this.#shards.keys()];
  }

  async bytesUsed(): Promise<number> {
    return this.#lru.total;
  }
}
