import type { PeerToPeer, ShardHash } from "@shoal/protocol";
import { encodeMessage, MESSAGE_LIMITS, parsePeerMessage, ProtocolError } from "@shoal/protocol";
import type { Channel } from "../channel/Channel.ts";
import { toBase64 } from "./base64.ts";
import type { ShardStore } from "./ShardStore.ts";

/**
 * Answers another peer's shard requests on `channel` from `store`: the shard in chunks of at
 * most 64 KiB (`bytes` is the whole shard's size), or shard-missing. Chunks wait for
 * `whenWritable`, so a shard of any size is paced by the channel's backpressure instead of
 * filling its buffer. Anything else the peer sends breaks the protocol and closes the channel.
 */
export function serveShards(channel: Channel, store: ShardStore): void {
  channel.onMessage((text) => {
    let message: PeerToPeer;
    try {
      message = parsePeerMessage(text);
      if (message.type !== "shard-request") throw new ProtocolError(`unexpected ${message.type} from a peer asking for shards`);
    } catch (error) {
      channel.close(error instanceof Error ? error.message : String(error));
      return;
    }
    void send(channel, store, message.shard);
  });
}

async function send(channel: Channel, store: ShardStore, shard: ShardHash): Promise<void> {
  const bytes = await store.get(shard).catch(() => undefined);
  if (!bytes) return channel.send(encodeMessage({ type: "shard-missing", shard }));
  const size = MESSAGE_LIMITS.chunkBytes;
  const count = Math.max(1, Math.ceil(bytes.byteLength / size));
  for (let index = 0; index < count && channel.open; index++) {
    await channel.whenWritable();
    const data = toBase64(bytes.subarray(index * size, (index + 1) * size));
    channel.send(encodeMessage({ type: "shard-chunk", shard, index, count, bytes: bytes.byteLength, data }));
  }
}
