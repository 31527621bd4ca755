import type { ShardHash } from "@shoal/protocol";
import type { SharedShards } from "../../datasets/ShardFiles.ts";
import { SyncPostgres } from "./SyncPostgres.ts";
import type { SyncPostgresOptions } from "./SyncPostgres.ts";

/** Shards' bytes by content hash, in the store's database, for every coordinator on it. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS shard_blobs (
  hash  TEXT PRIMARY KEY,
  bytes BYTEA NOT NULL
);
`;

/** Taken while the table is created, so coordinators starting together do not race on it. */
const SCHEMA_LOCK = 7_264_003;

/**
 * {@link SharedShards} on PostgreSQL: its own connection to the store's database (as the task
 * history has), one row per shard. Writes are idempotent (a shard is immutable and named by its
 * hash); reads refuse a blob larger than `maxBytes` before transferring it.
 */
export class PostgresShardBlobs implements SharedShards {
  readonly #db: SyncPostgres;

  constructor(url: string, options?: SyncPostgresOptions) {
    this.#db = new SyncPostgres(url, options);
    try {
      this.#db.underLock(SCHEMA_LOCK, () => this.#db.query(SCHEMA));
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  put(hash: ShardHash, bytes: Uint8Array): void {
    this.#db.query("INSERT INTO shard_blobs (hash, bytes) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING", [hash, bytes]);
  }

  size(hash: ShardHash): number | undefined {
    return this.#db.query<{ n: string | number }>("SELECT octet_length(bytes) AS n FROM shard_blobs WHERE hash = $1", [hash]).rows.map((row) => Number(row.n))[0];
  }

  get(hash: ShardHash): Uint8Array | undefined {
    const bytes = this.#db.query<{ bytes: Uint8Array }>("SELECT bytes FROM shard_blobs WHERE hash = $1", [hash]).rows[0]?.bytes;
    return bytes === undefined ? undefined : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  close(): void {
    this.#db.close();
  }
}
