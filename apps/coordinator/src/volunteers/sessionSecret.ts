import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh random token of `bytes` bytes (256 bits by default) in hex, which fits ids everywhere (PeerJS included). */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString("hex");
}

/** The SHA-256 (hex) under which a session secret is stored; the secret itself never is. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** True when `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}
