import type { ShardHash } from "@shoal/protocol";
import { asShardHash } from "@shoal/protocol";
import type { Series } from "@shoal/timeseries";
import { encodeManifest, encodeShard, shardHash } from "@shoal/timeseries";
import { vi } from "vitest";

/** Test helpers for series stored as chunks: versions of a series, and an HTTP origin serving them. */
export const BASE = "http://coordinator.test/shards";

/** Rows `from` to `to` (exclusive) of one series, times and a close column. */
export function rows(from: number, to: number): Series {
  const time = Float64Array.from({ length: to - from }, (_, i) => from + i);
  return { key: "k", time, columns: { close: time.map((t) => t * 1.5) } };
}

/** Bytes with their content address. */
export async function blob(bytes: Uint8Array): Promise<{ hash: ShardHash; bytes: Uint8Array }> {
  return { hash: asShardHash(await shardHash(bytes)), bytes };
}

/** A version of a series: its chunks and the manifest naming them. */
export async function version(...pieces: Series[]): Promise<{ chunks: Array<{ hash: ShardHash; bytes: Uint8Array }>; manifest: { hash: ShardHash; bytes: Uint8Array } }> {
  const chunks = await Promise.all(pieces.map((piece) => blob(encodeShard(piece))));
  const manifest = await blob(encodeManifest(chunks.map((c, i) => ({ hash: c.hash, rows: pieces[i]!.time.length }))));
  return { chunks, manifest };
}

/** An HTTP origin serving `blobs`, recording each hash asked for. */
export function origin(blobs: Array<{ hash: string; bytes: Uint8Array }>, forge: Map<string, Uint8Array> = new Map()) {
  const byHash = new Map(blobs.map((b) => [b.hash, b.bytes]));
  const asked: string[] = [];
  const fetch = vi.fn(async (url: string | URL | Request) => {
    const hash = String(url).slice(BASE.length + 1);
    asked.push(hash);
    const bytes = forge.get(hash) ?? byHash.get(hash);
    return bytes ? new Response(bytes.slice()) : new Response("not found", { status: 404 });
  });
  return { fetch, asked };
}

