import { createHash, randomBytes } from "node:crypto";
import type { Store } from "../store/Store.ts";

/** The SHA-256 hex of a token: what the store keeps, so a leaked database holds no usable token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Makes a new author token, stores its hash and returns the token itself, which is shown once. */
export function createAuthorToken(store: Store, label: string): string {
  const token = `shoal_${randomBytes(32).toString("base64url")}`;
  store.addToken(hashToken(token), label, new Date().toISOString());
  return token;
}

/** True when `header` is `Bearer <token>` for a stored token. */
export function isAuthorized(store: Store, header: string | undefined): boolean {
  const hash = bearerHash(header);
  return hash !== undefined && store.hasToken(hash);
}

/** The hash of the token in a `Bearer <token>` header (for an authorized request: whose it is), or undefined for another header. */
export function bearerHash(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(header ?? "");
  return match ? hashToken(match[1] as string) : undefined;
}
