import { decodeManifest } from "./chunkManifest.ts";
import type { Series } from "./Series.ts";
import { ShardError } from "./ShardError.ts";
import { joinSeries } from "./joinSeries.ts";
import { decodeShard } from "./shardCodec.ts";

/**
 * The series a manifest lists, its chunks got one after another by `getChunk` (which must check
 * each chunk's bytes against its hash) and joined. Refused when the chunks pass `maxBytes` together
 * or one holds other than the rows the manifest says.
 */
export async function assembleSeries(manifest: Uint8Array, getChunk: (hash: string) => Promise<Uint8Array>, maxBytes = Infinity): Promise<Series> {
  const pieces: Series[] = [];
  let size = 0;
  for (const chunk of decodeManifest(manifest)) {
    const bytes = await getChunk(chunk.hash);
    size += bytes.byteLength;
    if (size > maxBytes) throw new ShardError(`the series' chunks pass the limit of ${maxBytes} bytes`);
    const piece = decodeShard(bytes);
    if (piece.time.length !== chunk.rows) throw new ShardError(`chunk ${chunk.hash.slice(0, 12)}… has ${piece.time.length} rows; its manifest says ${chunk.rows}`);
    pieces.push(piece);
  }
  return joinSeries(pieces);
}
