import { createHash } from "node:crypto";

/** The id a donor is listed under: derived from its key hash, so the listing reveals neither. */
export function publicDonorId(keyHash: string): string {
  return createHash("sha256").update(`shoal-donor:${keyHash}`).digest("hex").slice(0, 16);
}
