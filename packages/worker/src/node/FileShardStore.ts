import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ShardHash } from "@shoal/protocol";
import { LruIndex } from "../shards/LruIndex.ts";
import type { ShardStore } from "../shards/ShardStore.ts";
import { ShardHashMismatch } from "../shards/ShardStore.ts";
import { verifyShard } from "../shards/verifyShard.ts";

const SHARD_FILE = /^[0-9a-f]{64}$/;

/**
 * A shard store in a directory (`shoal worker --cache-dir`): one file per shard named by its hash,
 * written atomically (temporary file, then rename), checked against its hash on every read —
 * a file that no longer matches is deleted and reported missing — and kept under a byte quota.
 */
export class FileShardStore implements ShardStore {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #lru = new LruIndex<ShardHash>();

  private constructor(dir: string, maxBytes: number) {
    this.#dir = dir;
    this.#maxBytes = maxBytes;
  }

  /** Opens (creating if needed) a cache directory and indexes the shards already in it, oldest first. */
  static async open(dir: string, options: { maxBytes?: number } = {}): Promise<FileShardStore> {
    await mkdir(dir, { recursive: true });
    const store = new FileShardStore(dir, options.maxBytes ?? Infinity);
    const entries = await Promise.all(
      (await readdir(dir)).map(async (name) => {
        const path = join(dir, name);
        if (!SHARD_FILE.test(name)) {
          if (name.includes(".tmp-")) await rm(path, { force: true });
          return undefined;
        }
        const info = await stat(path);
        return info.isFile() ? { hash: name as ShardHash, size: info.size, used: info.mtimeMs } : undefined;
      }),
    );
    for (const entry of entries.filter((e) => e !== undefined).sort((a, b) => a.used - b.used)) store.#lru.set(entry.hash, entry.size);
    return store;
  }

  async get(hash: ShardHash): Promise<Uint8Array | undefined> {
    if (!this.#lru.has(hash)) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(this.#path(hash)));
    } catch {
      this.#lru.delete(hash);
      return undefined;
    }
    try {
      await verifyShard(hash, bytes);
    } catch (error) {
      if (!(error instanceof ShardHashMismatch)) throw error;
      await this.#remove(hash);
      return undefined;
    }
    this.#lru.touch(hash);
    return bytes;
  }

  async put(hash: ShardHash, bytes: Uint8Array): Promise<void> {
    await verifyShard(hash, bytes);
    if (this.#lru.has(hash)) return this.#lru.touch(hash);
    for (const victim of this.#lru.victims(bytes.byteLength, this.#maxBytes, hash)) await this.#remove(victim);
    const temporary = `${this.#path(hash)}.tmp-${randomBytes(6).toString("hex")}`;
    await writeFile(temporary, bytes);
    await rename(temporary, this.#path(hash));
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

  #path(hash: ShardHash): string {
    return join(this.#dir, hash);
  }

  async #remove(hash: ShardHash): Promise<void> {
    this.#lru.delete(hash);
    await rm(this.#path(hash), { force: true });
  }
}
