import { createHash, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ShardHash } from "@shoal/protocol";

/**
 * Shards kept outside this coordinator's disk, where every coordinator on one database finds
 * them (PostgreSQL's `shard_blobs`): what one node stores, any node serves.
 */
export interface SharedShards {
  /** Stores `bytes` under `hash`; a second put of the same hash changes nothing. */
  put(hash: ShardHash, bytes: Uint8Array): Promise<void>;
  /** The stored size, without transferring the bytes; undefined when there is no such shard. */
  size(hash: ShardHash): Promise<number | undefined>;
  get(hash: ShardHash): Promise<Uint8Array | undefined>;
}

/** Why a shard from the shared store was refused: it is not what its hash names, or too large. */
export class SharedShardError extends Error {}

/**
 * Shards as immutable files named by their SHA-256 (`<dir>/<hash>`). Writes go to a temporary
 * file first and are renamed into place, so a reader never sees half a shard. With a
 * {@link SharedShards} (several coordinators on PostgreSQL), every write also goes there, and a
 * shard this node's disk lacks is fetched from there, checked against its hash (nothing read back
 * is trusted: a blob over `maxSharedBytes` or whose SHA-256 differs is refused) and kept on disk,
 * which is then a cache. Requests for one shard while it is being fetched wait for that fetch.
 */
export class ShardFiles {
  readonly #dir: string;
  readonly #tmp: string;
  readonly #shared: SharedShards | undefined;
  readonly #maxSharedBytes: number;
  readonly #fetching = new Map<ShardHash, Promise<Uint8Array | undefined>>();

  constructor(dir: string, tmpDir: string, shared?: { store: SharedShards; maxBytes: number }) {
    this.#dir = dir;
    this.#tmp = tmpDir;
    this.#shared = shared?.store;
    this.#maxSharedBytes = shared?.maxBytes ?? Infinity;
    mkdirSync(dir, { recursive: true });
    mkdirSync(tmpDir, { recursive: true });
  }

  /** Where the shard is on this node's disk; call {@link size} or {@link read} first, which fetch a shared one. */
  path(hash: ShardHash): string {
    return join(this.#dir, hash);
  }

  /** Size in bytes of a stored shard (fetched to disk from the shared store if need be), or undefined when there is none. */
  async size(hash: ShardHash): Promise<number | undefined> {
    const local = await this.#localSize(hash);
    if (local !== undefined || !this.#shared) return local;
    return (await this.#fetchShared(hash))?.byteLength;
  }

  async read(hash: ShardHash): Promise<Uint8Array> {
    if (this.#shared && (await this.#localSize(hash)) === undefined) {
      const bytes = await this.#fetchShared(hash);
      if (bytes) return bytes;
    }
    return new Uint8Array(await readFile(this.path(hash)));
  }

  /** Stores a shard unless one with this hash is already there; the caller vouches that `hash` is the bytes' SHA-256. */
  async write(hash: ShardHash, bytes: Uint8Array): Promise<void> {
    await this.#shared?.put(hash, bytes);
    await this.#writeLocal(hash, bytes);
  }

  async #localSize(hash: ShardHash): Promise<number | undefined> {
    try {
      return (await stat(this.path(hash))).size;
    } catch {
      return undefined;
    }
  }

  async #writeLocal(hash: ShardHash, bytes: Uint8Array): Promise<void> {
    if ((await this.#localSize(hash)) === bytes.byteLength) return;
    const temp = join(this.#tmp, `${hash}.${randomBytes(6).toString("hex")}`);
    try {
      await writeFile(temp, bytes);
      await rename(temp, this.path(hash));
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** The shard from the shared store, checked and kept on disk; undefined when the shared store has none. One fetch per shard at a time. */
  #fetchShared(hash: ShardHash): Promise<Uint8Array | undefined> {
    let fetching = this.#fetching.get(hash);
    if (!fetching) {
      fetching = this.#fetchSharedOnce(hash).finally(() => this.#fetching.delete(hash));
      this.#fetching.set(hash, fetching);
    }
    return fetching;
  }

  async #fetchSharedOnce(hash: ShardHash): Promise<Uint8Array | undefined> {
    const shared = this.#shared!;
    const size = await shared.size(hash);
    if (size === undefined) return undefined;
    if (size > this.#maxSharedBytes) throw new SharedShardError(`shard ${hash} in the shared store is ${size} bytes, over the ${this.#maxSharedBytes}-byte limit`);
    const bytes = await shared.get(hash);
    if (bytes === undefined) return undefined;
    if (bytes.byteLength > this.#maxSharedBytes) throw new SharedShardError(`shard ${hash} in the shared store is over the ${this.#maxSharedBytes}-byte limit`);
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (actual !== hash) throw new SharedShardError(`shard ${hash} in the shared store has other bytes (their SHA-256 is ${actual}); not served`);
    await this.#writeLocal(hash, bytes);
    return bytes;
  }
}
