import type { ShardHash } from "@shoal/protocol";

/**
 * A content-addressed cache of shard bytes on a worker. `put` refuses bytes whose SHA-256 is
 * not `hash`; implementations with a byte quota evict least recently used shards to make room.
 */
export interface ShardStore {
  get(hash: ShardHash): Promise<Uint8Array | undefined>;
  put(hash: ShardHash, bytes: Uint8Array): Promise<void>;
  has(hash: ShardHash): Promise<boolean>;
  list(): Promise<ShardHash[]>;
  /** Bytes of all shards held. */
  bytesUsed(): Promise<number>;
}

/** Bytes that do not hash to the address they were offered under. */
export class ShardHashMismatch extends Error {
  override readonly name = "ShardHashMismatch";
}
