import type { ShardHash } from "@shoal/protocol";
import { asShardHash } from "@shoal/protocol";
import { assembleSeries, encodeShard, isManifest } from "@shoal/timeseries";
import type { ShardFetcher } from "./ShardFetcher.ts";

/** Series put together from chunks, kept in memory for the tasks that follow; the oldest goes beyond this. */
const ASSEMBLED_KEPT = 2;

/**
 * Turns a series address into shard bytes. The address names either a shard (a series of one
 * chunk) or a manifest listing chunks; each chunk is got through the {@link ShardFetcher} by its
 * own hash (cache, then peers, then HTTP, every byte checked against its hash), so a new version
 * of a series costs only the chunks this volunteer does not hold yet. Assembled series are kept for
 * the next tasks; their size is bounded by the fetcher's byte limit, as a single shard's is.
 */
export class SeriesAssembler {
  readonly #fetcher: ShardFetcher;
  readonly #assembled = new Map<ShardHash, Promise<Uint8Array>>();

  constructor(fetcher: ShardFetcher) {
    this.#fetcher = fetcher;
  }

  /** The shard bytes of the series at `hash`; `holders` are peers that may hold it and its chunks. */
  get(hash: ShardHash, holders: readonly string[] = []): Promise<Uint8Array> {
    let pending = this.#assembled.get(hash);
    if (pending) {
      this.#assembled.delete(hash);
    } else {
      pending = this.#assemble(hash, holders);
      pending.catch(() => this.#assembled.get(hash) === pending && this.#assembled.delete(hash));
    }
    this.#assembled.set(hash, pending);
    if (this.#assembled.size > ASSEMBLED_KEPT) this.#assembled.delete(this.#assembled.keys().next().value!);
    return pending;
  }

  async #assemble(hash: ShardHash, holders: readonly string[]): Promise<Uint8Array> {
    const bytes = await this.#fetcher.get(hash, holders);
    if (!isManifest(bytes)) return bytes;
    const series = await assembleSeries(bytes, (chunk) => this.#fetcher.get(asShardHash(chunk), holders), this.#fetcher.maxBytes);
    return encodeShard(series);
  }
}
