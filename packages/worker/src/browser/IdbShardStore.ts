import { openDB } from "idb";
import type { DBSchema, IDBPDatabase } from "idb";
import type { ShardHash } from "@shoal/protocol";
import { LruIndex } from "../shards/LruIndex.ts";
import type { ShardStore } from "../shards/ShardStore.ts";
import { ShardHashMismatch } from "../shards/ShardStore.ts";
import { verifyShard } from "../shards/verifyShard.ts";

interface ShardDb extends DBSchema {
  bytes: { key: string; value: Uint8Array };
  meta: { key: string; value: { size: number; usedAt: number } };
}

export interface IdbShardStoreOptions {
  /** Database name; one per origin is enough. */
  name?: string;
  /** Byte quota; default 256 MiB, and never more than half of what `navigator.storage.estimate()` allows. */
  maxBytes?: number;
}

export const DEFAULT_SHARD_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * A shard cache in IndexedDB (through idb), keyed by content hash, with a byte quota and LRU
 * eviction. Bytes are verified against their hash when stored and again before use; a shard
 * that no longer matches is dropped and reported missing.
 */
export class IdbShardStore implements ShardStore {
  readonly #db: IDBPDatabase<ShardDb>;
  readonly #lru: LruIndex<ShardHash>;
  readonly maxBytes: number;

  private constructor(db: IDBPDatabase<ShardDb>, lru: LruIndex<ShardHash>, maxBytes: number) {
    this.#db = db;
    this.#lru = lru;
    this.maxBytes = maxBytes;
  }

  static async open(options: IdbShardStoreOptions = {}): Promise<IdbShardStore> {
    const db = await openDB<ShardDb>(options.name ?? "shoal-shards", 1, {
      upgrade(database) {
        database.createObjectStore("bytes");
        database.createObjectStore("meta");
      },
    });
    const entries: Array<[ShardHash, { size: number; usedAt: number }]> = [];
    let cursor = await db.transaction("meta").store.openCursor();
    while (cursor) {
      entries.push([cursor.key as ShardHash, cursor.value]);
      cursor = await cursor.continue();
    }
    const lru = new LruIndex<ShardHash>();
    for (const [hash, meta] of entries.sort((a, b) => a[1].usedAt - b[1].usedAt)) lru.set(hash, meta.size);
    return new IdbShardStore(db, lru, await quota(options.maxBytes ?? DEFAULT_SHARD_CACHE_BYTES));
  }

  async get(hash: ShardHash): Promise<Uint8Array | undefined> {
    if (!this.#lru.has(hash)) return undefined;
    const bytes = await this.#db.get("bytes", hash);
    if (!bytes) return void this.#lru.delete(hash);
    try {
      await verifyShard(hash, bytes);
    } catch (error) {
      if (!(error instanceof ShardHashMismatch)) throw error;
      await this.#delete(hash);
      return undefined;
    }
    this.#lru.touch(hash);
    await this.#db.put("meta", { size: bytes.byteLength, usedAt: Date.now() }, hash);
    return bytes;
  }

  async put(hash: ShardHash, bytes: Uint8Array): Promise<void> {
    await verifyShard(hash, bytes);
    if (bytes.byteLength > this.maxBytes) return;
    for (const victim of this.#lru.victims(bytes.byteLength, this.maxBytes, hash)) await this.#delete(victim);
    const tx = this.#db.transaction(["bytes", "meta"], "readwrite");
    await Promise.all([
      tx.objectStore("bytes").put(bytes.slice(), hash),
      tx.objectStore("meta").put({ size: bytes.byteLength, usedAt: Date.now() }, hash),
      tx.done,
    ]);
    this.#lru.set(hash, bytes.byteLength);
  }

  async has(hash: ShardHash): Promise<boolean> {
    return this.#lru.has(hash);
  }

  async list(): Promise<ShardHash[]> {
    return this.#lru.keys();
  }

  async bytesUsed(): Promise<number> {
    return this.#lru.total;
  }

  close(): void {
    this.#db.close();
  }

  async #delete(hash: ShardHash): Promise<void> {
    this.#lru.delete(hash);
    const tx = this.#db.transaction(["bytes", "meta"], "readwrite");
    await Promise.all([tx.objectStore("bytes").delete(hash), tx.objectStore("meta").delete(hash), tx.done]);
  }
}

/** `maxBytes`, lowered to half the origin's storage quota when the browser says it is smaller. */
async function quota(maxBytes: number): Promise<number> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  const estimate = await storage?.estimate?.().catch(() => undefined);
  return estimate?.quota ? Math.min(maxBytes, Math.floor(estimate.quota / 2)) : maxBytes;
}
