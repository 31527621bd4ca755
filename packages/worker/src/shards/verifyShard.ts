import type { ShardHash } from "@shoal/protocol";
import { shardHash } from "@shoal/timeseries";
import { ShardHashMismatch } from "./ShardStore.ts";

/** Throws {@link ShardHashMismatch} unless `bytes` hash to `hash`. */
export async function verifyShard(hash: ShardHash, bytes: Uint8Array): Promise<void> {
  const actual = await shardHash(bytes);
  if (actual !== hash) throw new ShardHashMismatch(`shard ${hash.slice(0, 12)}… has the wrong bytes (they hash to ${actual.slice(0, 12)}…)`);
}
