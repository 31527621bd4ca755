import type { PeerToPeer, ShardHash } from "@shoal/protocol";
import { encodeMessage, MESSAGE_LIMITS, parsePeerMessage, ProtocolError } from "@shoal/protocol";
import type { Channel } from "../channel/Channel.ts";
import { fromBase64 } from "./base64.ts";

/**
 * Asks the peer on `channel` for a shard and reassembles its chunks. Resolves with the bytes
 * (not yet verified — the caller checks the hash) or undefined when the peer does not hold it;
 * rejects on a protocol violation, a shard larger than `maxBytes`, a closed channel, or when
 * `timeoutMs` passes without a chunk (an idle timeout, so a large shard on a slow link still arrives).
 */
export function requestShard(channel: Channel, shard: ShardHash, options: { timeoutMs: number; maxBytes: number }): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    let out: Uint8Array | undefined;
    let next = 0;
    const done = (error: Error | undefined, bytes?: Uint8Array) => {
      clearTimeout(timer);
      off();
      offClose();
      if (error) reject(error);
      else resolve(bytes);
    };
    const idle = () => done(new Error(`no shard data from the peer within ${options.timeoutMs} ms`));
    let timer = setTimeout(idle, options.timeoutMs);
    const offClose = channel.onClose((reason) => done(new Error(`peer closed the channel: ${reason}`)));
    const off = channel.onMessage((text) => {
      try {
        const message: PeerToPeer = parsePeerMessage(text);
        if (message.type === "shard-request") throw new ProtocolError("a shard-request while sending one");
        if (message.shard !== shard) throw new ProtocolError(`peer sent shard ${message.shard.slice(0, 12)}…, not the one asked for`);
        if (message.type === "shard-missing") return done(undefined, undefined);
        if (message.index !== next) throw new ProtocolError(`chunk ${message.index} arrived when ${next} was due`);
        if (next === 0) out = allocate(message.bytes, message.count, options.maxBytes);
        else if (message.bytes !== out!.byteLength) throw new ProtocolError("chunks disagree on the shard's size");
        const piece = fromBase64(message.data);
        const offset = next * MESSAGE_LIMITS.chunkBytes;
        const expected = Math.min(MESSAGE_LIMITS.chunkBytes, out!.byteLength - offset);
        if (piece.byteLength !== expected) throw new ProtocolError(`chunk ${next} has ${piece.byteLength} bytes, expected ${expected}`);
        out!.set(piece, offset);
        next++;
        clearTimeout(timer);
        timer = setTimeout(idle, options.timeoutMs);
        if (next === message.count) done(undefined, out);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        done(new ProtocolError(reason));
        channel.close(reason);
      }
    });
    channel.send(encodeMessage({ type: "shard-request", shard }));
  });
}

function allocate(bytes: number, count: number, maxBytes: number): Uint8Array {
  if (bytes > maxBytes) throw new ProtocolError(`peer offers a shard of ${bytes} bytes, more than the limit of ${maxBytes}`);
  if (count !== Math.max(1, Math.ceil(bytes / MESSAGE_LIMITS.chunkBytes))) throw new ProtocolError(`${count} chunks cannot hold ${bytes} bytes`);
  return new Uint8Array(bytes);
}
