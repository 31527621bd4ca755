import { createHmac } from "node:crypto";

/** A TURN username and password, as coturn's `use-auth-secret` checks them. */
export interface TurnCredentials {
  username: string;
  credential: string;
}

/**
 * Time-limited TURN credentials in coturn's `use-auth-secret` scheme (the TURN REST API):
 * username `"<expiry-unix-seconds>:<id>"`, credential base64(HMAC-SHA1(secret, username)).
 * coturn recomputes the HMAC with its `static-auth-secret` and refuses the pair once the
 * expiry has passed, so the secret itself never leaves the coordinator.
 */
export function turnCredentials(secret: string, id: string, expiresAtSeconds: number): TurnCredentials {
  const username = `${Math.floor(expiresAtSeconds)}:${id}`;
  return { username, credential: createHmac("sha1", secret).update(username).digest("base64") };
}
