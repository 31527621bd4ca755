import { ShardError } from "./ShardError.ts";

/*
 * Layout (all integers little-endian):
 *   "SHCM" | u16 version | u16 flags (0) | u32 chunk count
 *   per chunk: 32-byte SHA-256 of the chunk's shard bytes | u32 rows
 */

/** One chunk of a series: the SHA-256 (lowercase hex) of a shard holding consecutive rows, and how many. */
export interface ChunkRef {
  hash: string;
  rows: number;
}

/** Format version written by encodeManifest and the only one decodeManifest accepts. */
export const MANIFEST_VERSION = 1;
/** Most chunks one series may have: at the coordinator's chunk size, far beyond any upload limit. */
export const MAX_MANIFEST_CHUNKS = 65_536;

const MAGIC = [0x53, 0x48, 0x43, 0x4d];
const HEADER_BYTES = 12;
const ENTRY_BYTES = 36;
const HEX = /^[0-9a-f]{64}$/;

/**
 * Encodes the ordered chunk list of one series version. A manifest is content-addressed like a
 * shard, so a series of many chunks is still named by one hash; its chunks are fetched (and cached)
 * by their own hashes, so a new version that shares chunks with an old one costs only the new ones.
 */
export function encodeManifest(chunks: readonly ChunkRef[]): Uint8Array {
  if (chunks.length < 1 || chunks.length > MAX_MANIFEST_CHUNKS) throw new ShardError(`a manifest lists 1 to ${MAX_MANIFEST_CHUNKS} chunks, not ${chunks.length}`);
  const out = new Uint8Array(HEADER_BYTES + chunks.length * ENTRY_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC);
  view.setUint16(4, MANIFEST_VERSION, true);
  view.setUint32(8, chunks.length, true);
  chunks.forEach((chunk, i) => {
    if (!HEX.test(chunk.hash)) throw new ShardError(`chunk ${i} has no SHA-256 hash: ${JSON.stringify(chunk.hash.slice(0, 80))}`);
    if (!Number.isInteger(chunk.rows) || chunk.rows < 0 || chunk.rows > 0xffff_ffff) throw new ShardError(`chunk ${i} has ${chunk.rows} rows`);
    const at = HEADER_BYTES + i * ENTRY_BYTES;
    for (let b = 0; b < 32; b++) out[at + b] = parseInt(chunk.hash.slice(b * 2, b * 2 + 2), 16);
    view.setUint32(at + 32, chunk.rows, true);
  });
  return out;
}

/** True when `bytes` start like a manifest rather than a shard (the magic differs); says nothing of validity. */
export function isManifest(bytes: Uint8Array): boolean {
  return bytes.byteLength >= MAGIC.length && MAGIC.every((byte, i) => bytes[i] === byte);
}

/** Decodes and validates a manifest: magic, version, a count within limits and exactly the bytes it needs. */
export function decodeManifest(bytes: Uint8Array): ChunkRef[] {
  if (bytes.byteLength < HEADER_BYTES) throw new ShardError(`truncated manifest: ${bytes.byteLength} bytes`);
  if (!isManifest(bytes)) throw new ShardError("not a manifest (bad magic)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== MANIFEST_VERSION) throw new ShardError(`unsupported manifest version ${version}`);
  if (view.getUint16(6, true) !== 0) throw new ShardError(`unsupported manifest flags ${view.getUint16(6, true)}`);
  const count = view.getUint32(8, true);
  if (count < 1 || count > MAX_MANIFEST_CHUNKS) throw new ShardError(`a manifest lists 1 to ${MAX_MANIFEST_CHUNKS} chunks, not ${count}`);
  const expected = HEADER_BYTES + count * ENTRY_BYTES;
  if (bytes.byteLength !== expected) throw new ShardError(`manifest is ${bytes.byteLength} bytes, expected ${expected} for ${count} chunks`);
  return Array.from({ length: count }, (_, i) => {
    const at = HEADER_BYTES + i * ENTRY_BYTES;
    const hash = Array.from(bytes.subarray(at, at + 32), (byte) => byte.toString(16).padStart(2, "0")).join("");
    return { hash, rows: view.getUint32(at + 32, true) };
  });
}
