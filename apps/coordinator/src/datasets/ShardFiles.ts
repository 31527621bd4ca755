import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ShardHash } from "@shoal/protocol";

/**
 * Shards as immutable files named by their SHA-256 (`<dir>/<hash>`). Writes go to a temporary
 * file first and are renamed into place, so a reader never sees half a shard.
 */
export class ShardFiles {
  readonly #dir: string;
  readonly #tmp: string;

  constructor(dir: string, tmpDir: string) {
    this.#dir = dir;
    this.#tmp = tmpDir;
    mkdirSync(dir, { recursive: true });
    mkdirSync(tmpDir, { recursive: true });
  }

  path(hash: ShardHash): string {
    return join(this.#dir, hash);
  }

  /** Size in bytes of a stored shard, or undefined when there is none. */
  async size(hash: ShardHash): Promise<number | undefined> {
    try {
      return (await stat(this.path(hash))).size;
    } catch {
      return undefined;
    }
  }

  async read(hash: ShardHash): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.path(hash)));
  }

  /** Stores a shard unless one with this hash is already there; the caller vouches that `hash` is the bytes' SHA-256. */
  async write(hash: ShardHash, bytes: Uint8Array): Promise<void> {
    if ((await this.size(hash)) === bytes.byteLength) return;
    const temp = join(this.#tmp, `${hash}.${randomBytes(6).toString("hex")}`);
    try {
      await writeFile(temp, bytes);
      await rename(temp, this.path(hash));
    } finally {
      await rm(temp, { force: true });
    }
  }
}
