import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import type { ShoalClient, UploadOptions } from "../ShoalClient.ts";
import type { UploadResult } from "../types.ts";

/**
 * Uploads a CSV file from disk (Node only): hashes it while reading once, skips the upload when
 * the coordinator already has the bytes, else streams the file without loading it into memory.
 */
export async function uploadDatasetFile(client: ShoalClient, path: string, options: Omit<UploadOptions, "hash">): Promise<UploadResult> {
  await stat(path);
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const stream = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  return client.uploadDataset(stream, { ...options, hash: hash.digest("hex") });
}
