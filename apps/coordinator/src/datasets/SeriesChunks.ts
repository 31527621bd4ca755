import type { ShardHash } from "@shoal/protocol";
import { asShardHash } from "@shoal/protocol";
import type { Series } from "@shoal/timeseries";
import { decodeShard, encodeManifest, encodeShard, joinSeries, shardHash, sliceRows } from "@shoal/timeseries";
import type { ChunkRecord } from "../store/Store.ts";
import type { ShardFiles } from "./ShardFiles.ts";

/** Rows at which a chunk is sealed: it never changes again, and every later version shares it. */
export const CHUNK_ROWS = 65_536;

/** A series' chunks, and the one address volunteers fetch for it: the chunk itself when alone, else their manifest. */
export interface StoredChunks {
  chunks: ChunkRecord[];
  shard: ShardHash;
}

/**
 * Series stored as immutable, content-addressed chunks in {@link ShardFiles}. A chunk of
 * `chunkRows` rows is sealed; the rows after the last sealed chunk form a short tail of smaller
 * chunks whose sizes at least halve from one to the next. An append writes its rows as a new chunk,
 * first merging it with the tail chunks that are at most twice its size (so the tail stays at most
 * log2(chunkRows) chunks long), and cuts whatever reaches `chunkRows` into sealed chunks. A row is
 * rewritten only when its chunk grows by half, so an append costs O(new rows · log chunkRows)
 * amortized, however long the series: no sealed chunk is read or written again.
 */
export class SeriesChunks {
  readonly #files: ShardFiles;
  readonly #chunkRows: number;

  constructor(files: ShardFiles, chunkRows = CHUNK_ROWS) {
    if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new Error(`chunkRows must be a positive integer, not ${chunkRows}`);
    this.#files = files;
    this.#chunkRows = chunkRows;
  }

  /** Stores a whole series (an upload) as sealed chunks and a tail of the rows left over. */
  async write(series: Series): Promise<StoredChunks> {
    return this.#address(await this.#cut(series));
  }

  /** Stores `added` (rows after the last of `chunks`) as a new version's chunk list: the old chunks stay as they are. */
  async append(chunks: readonly ChunkRecord[], added: Series): Promise<StoredChunks> {
    const kept = [...chunks];
    let pending = added;
    for (let last = kept.at(-1); last && last.rows < this.#chunkRows && last.rows <= 2 * pending.time.length; last = kept.at(-1)) {
      kept.pop();
      pending = joinSeries([await this.read([last]), pending]);
    }
    return this.#address([...kept, ...(await this.#cut(pending))]);
  }

  /** The series these chunks hold, read and joined in order. */
  async read(chunks: readonly ChunkRecord[]): Promise<Series> {
    return joinSeries(await Promise.all(chunks.map(async (c) => decodeShard(await this.#files.read(c.hash)))));
  }

  async #cut(series: Series): Promise<ChunkRecord[]> {
    const rows = series.time.length;
    const chunks: ChunkRecord[] = [];
    for (let from = 0; from < rows || (rows === 0 && from === 0); from += this.#chunkRows) {
      const piece = sliceRows(series, from, Math.min(rows, from + this.#chunkRows));
      chunks.push({ hash: await this.#store(encodeShard(piece)), rows: piece.time.length });
    }
    return chunks;
  }

  async #address(chunks: ChunkRecord[]): Promise<StoredChunks> {
    const only = chunks.length === 1 ? chunks[0] : undefined;
    return { chunks, shard: only ? only.hash : await this.#store(encodeManifest(chunks)) };
  }

  async #store(bytes: Uint8Array): Promise<ShardHash> {
    const hash = asShardHash(await shardHash(bytes));
    await this.#files.write(hash, bytes);
    return hash;
  }
}
