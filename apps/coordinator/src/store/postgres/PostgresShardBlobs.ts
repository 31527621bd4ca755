import pg from "pg";
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

/** Connections this node keeps for shard reads and writes. */
const POOL_SIZE = 4;

/**
 * {@link SharedShards} on PostgreSQL, one row per shard. Unlike the store, whose API is
 * synchronous, shards cross the database asynchronously on a small pool of their own, so a
 * coordinator fetching a shard of tens of megabytes keeps answering volunteers and requests
 * meanwhile (the table is created at construction, synchronously, under an advisory lock).
 * Writes are idempotent (a shard is immutable and named by its hash); {@link size} tells a
 * blob's size without transferring it, so an oversized one is refused first.
 */
export class PostgresShardBlobs implements SharedShards {
  readonly #pool: pg.Pool;

  constructor(url: string, options: SyncPostgresOptions & { onError?: (error: Error) => void } = {}) {
    const setup = new SyncPostgres(url, options);
    try {
      setup.underLock(SCHEMA_LOCK, () => setup.query(SCHEMA));
    } finally {
      setup.close();
    }
    this.#pool = new pg.Pool({
      connectionString: url,
      max: POOL_SIZE,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      statement_timeout: options.queryTimeoutMs ?? 60_000,
      idleTimeoutMillis: 30_000,
      application_name: "shoal-shards",
    });
    // An idle connection the server drops (a restart) must not end the process; the next query opens another.
    this.#pool.on("error", (error) => options.onError?.(error));
  }

  async put(hash: ShardHash, bytes: Uint8Array): Promise<void> {
    await this.#pool.query("INSERT INTO shard_blobs (hash, bytes) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING", [hash, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
  }

  async size(hash: ShardHash): Promise<number | undefined> {
    const { rows } = await this.#pool.query<{ n: string | number }>("SELECT octet_length(bytes) AS n FROM shard_blobs WHERE hash = $1", [hash]);
    return rows.map((row) => Number(row.n))[0];
  }

  async get(hash: ShardHash): Promise<Uint8Array | undefined> {
    const { rows } = await this.#pool.query<{ bytes: Buffer }>("SELECT bytes FROM shard_blobs WHERE hash = $1", [hash]);
    const bytes = rows[0]?.bytes;
    return bytes === undefined ? undefined : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
