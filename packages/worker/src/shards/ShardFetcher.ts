import type { ShardHash } from "@shoal/protocol";
import type { Channel } from "../channel/Channel.ts";
import { requestShard } from "./requestShard.ts";
import type { ShardStore } from "./ShardStore.ts";
import { ShardHashMismatch } from "./ShardStore.ts";
import { verifyShard } from "./verifyShard.ts";

export interface ShardFetcherOptions {
  store: ShardStore;
  /** Base URL of content-addressed shards (`{base}/{hash}`), if known up front; see {@link ShardFetcher.httpBase}. */
  httpBase?: string;
  fetch?: typeof globalThis.fetch;
  /** Opens a data channel to another peer by id; without it, shards come over HTTP only. */
  dialPeer?: (peerId: string) => Promise<Channel>;
  /** Told about a peer that sent bad bytes or broke the exchange protocol; it is not asked again. */
  onBadPeer?: (peerId: string, reason: string) => void;
  /** Told why a peer could not give a shard (timeout, refusal, closed channel); the next source is tried. */
  onPeerFailed?: (peerId: string, hash: ShardHash, reason: string) => void;
  /** Per peer: dialling plus transfer. */
  peerTimeoutMs?: number;
  /** Largest shard accepted from anyone. */
  maxShardBytes?: number;
  /**
   * Bytes of the latest shards kept in memory once verified (default {@link RECENT_SHARD_BYTES}),
   * so the tasks of a job on one shard do not each read it from the store and hash it again.
   */
  recentBytes?: number;
}

/** What a ShardFetcher keeps in memory by default: a few shards of 1M bars. */
export const RECENT_SHARD_BYTES = 64 * 1024 * 1024;

/** Where shards came from, for status lines and tests. */
export interface ShardFetchStats {
  cache: number;
  peer: number;
  http: number;
  badPeers: number;
}

/**
 * Gets shards by content hash: from memory (the latest shards it gave, already verified), else
 * the local store, else from peers known to hold them (over a data channel), else over HTTP. Every
 * byte from outside is checked against the hash before it is stored or used; concurrent requests
 * for one shard share one download. A donor page read each task's shard from IndexedDB and hashed
 * it again (about 230 ms of its main thread per task at 1M bars) before memory was asked first.
 */
export class ShardFetcher {
  readonly stats: ShardFetchStats = { cache: 0, peer: 0, http: 0, badPeers: 0 };
  /** Base URL of content-addressed shards; a volunteer sets it from the coordinator's welcome. */
  httpBase: string | undefined;
  readonly #options: ShardFetcherOptions;
  readonly #inFlight = new Map<ShardHash, Promise<Uint8Array>>();
  readonly #badPeers = new Set<string>();
  /** Verified shards given out lately, least recently used first. */
  readonly #recent = new Map<ShardHash, Uint8Array>();
  #recentTotal = 0;

  constructor(options: ShardFetcherOptions) {
    this.#options = options;
    this.httpBase = options.httpBase;
  }

  get store(): ShardStore {
    return this.#options.store;
  }

  /** The shard's bytes (shared: do not modify); `holders` are peers that may have it. Rejects when no source has it. */
  get(hash: ShardHash, holders: readonly string[] = []): Promise<Uint8Array> {
    const recent = this.#recent.get(hash);
    if (recent) {
      this.#recent.delete(hash);
      this.#recent.set(hash, recent);
      this.stats.cache++;
      return Promise.resolve(recent);
    }
    let pending = this.#inFlight.get(hash);
    if (!pending) {
      pending = this.#get(hash, holders)
        .then((bytes) => this.#remember(hash, bytes))
        .finally(() => this.#inFlight.delete(hash));
      this.#inFlight.set(hash, pending);
    }
    return pending;
  }

  #remember(hash: ShardHash, bytes: Uint8Array): Uint8Array {
    const limit = this.#options.recentBytes ?? RECENT_SHARD_BYTES;
    if (bytes.byteLength > limit || this.#recent.has(hash)) return bytes;
    this.#recent.set(hash, bytes);
    this.#recentTotal += bytes.byteLength;
    for (const [oldest, old] of this.#recent) {
      if (this.#recentTotal <= limit) break;
      this.#recent.delete(oldest);
      this.#recentTotal -= old.byteLength;
    }
    return bytes;
  }

  async #get(hash: ShardHash, holders: readonly string[]): Promise<Uint8Array> {
    const cached = await this.#options.store.get(hash);
    if (cached) {
      this.stats.cache++;
      return cached;
    }
    for (const peerId of holders) {
      if (this.#badPeers.has(peerId) || !this.#options.dialPeer) continue;
      const bytes = await this.#fromPeer(hash, peerId);
      if (bytes) {
        this.stats.peer++;
        await this.#options.store.put(hash, bytes);
        return bytes;
      }
    }
    const bytes = await this.#fromHttp(hash);
    this.stats.http++;
    await this.#options.store.put(hash, bytes);
    return bytes;
  }

  async #fromPeer(hash: ShardHash, peerId: string): Promise<Uint8Array | undefined> {
    const timeoutMs = this.#options.peerTimeoutMs ?? 5_000;
    let channel: Channel | undefined;
    try {
      channel = await dialWithin(this.#options.dialPeer!, peerId, timeoutMs);
      const bytes = await requestShard(channel, hash, { timeoutMs, maxBytes: this.maxBytes });
      if (bytes) await verifyShard(hash, bytes);
      return bytes;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof ShardHashMismatch || (error instanceof Error && error.name === "ProtocolError")) this.#reportPeer(peerId, reason);
      else this.#options.onPeerFailed?.(peerId, hash, reason);
      return undefined;
    } finally {
      channel?.close("shard exchange over");
    }
  }

  async #fromHttp(hash: ShardHash): Promise<Uint8Array> {
    const base = this.httpBase;
    if (base === undefined) throw new Error(`shard ${hash.slice(0, 12)}…: no peer had it and no shard URL is known yet`);
    const url = `${base.replace(/\/+$/, "")}/${hash}`;
    const response = await (this.#options.fetch ?? globalThis.fetch)(url);
    if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
    const length = Number(response.headers.get("content-length") ?? 0);
    if (length > this.maxBytes) throw new Error(`GET ${url}: ${length} bytes is more than the limit of ${this.maxBytes}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > this.maxBytes) throw new Error(`GET ${url}: more than ${this.maxBytes} bytes`);
    await verifyShard(hash, bytes);
    return bytes;
  }

  /** Largest shard or chunk accepted from anyone, and the most bytes one series may assemble from chunks. */
  get maxBytes(): number {
    return this.#options.maxShardBytes ?? 512 * 1024 * 1024;
  }

  #reportPeer(peerId: string, reason: string): void {
    this.#badPeers.add(peerId);
    this.stats.badPeers++;
    this.#options.onBadPeer?.(peerId, reason);
  }
}

/** Dials a peer, giving up after `ms`; a channel that opens too late is closed at once. */
function dialWithin(dial: (peerId: string) => Promise<Channel>, peerId: string, ms: number): Promise<Channel> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new Error(`dialling ${peerId} timed out after ${ms} ms`));
    }, ms);
    dial(peerId).then(
      (channel) => {
        clearTimeout(timer);
        if (late) channel.close("too late");
        else resolve(channel);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
