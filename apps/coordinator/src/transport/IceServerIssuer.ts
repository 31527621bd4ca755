import type { IceServer } from "@shoal/protocol";
import { isTurnServer } from "@shoal/protocol";
import { turnCredentials } from "./turnCredentials.ts";

/** The ICE servers an operator configured (`--ice-servers`, `--turn-secret`). */
export interface IceConfig {
  /** STUN and TURN servers handed to volunteers in their welcome. */
  servers: IceServer[];
  /** coturn's `static-auth-secret`: TURN servers listed without a username get credentials made from it. */
  turnSecret?: string;
  /** How long issued TURN credentials last, in seconds: 4 s to 7 days (`shoal coordinator --turn-ttl` asks for at least 60). Default 1 hour. */
  credentialTtlSeconds?: number;
}

/** Shortest TURN secret accepted: an HMAC key anyone could guess would let them mint credentials. */
export const MIN_TURN_SECRET_CHARS = 16;
/** Longest TURN secret accepted. */
export const MAX_TURN_SECRET_CHARS = 512;

/** Shortest credential lifetime: sessions get new ones every half lifetime, so seconds are the floor. */
export const MIN_TURN_TTL_SECONDS = 4;

/**
 * Gives each volunteer session its ICE servers: the configured list, where every TURN server
 * without a username gets credentials of its own that expire after the TTL. Credentials are
 * issued per session id, so coturn's logs name the session that used a relay.
 */
export class IceServerIssuer {
  readonly #config: IceConfig;

  constructor(config: IceConfig) {
    const secret = config.turnSecret;
    if (secret !== undefined && (secret.length < MIN_TURN_SECRET_CHARS || secret.length > MAX_TURN_SECRET_CHARS)) {
      throw new Error(`a TURN secret has ${MIN_TURN_SECRET_CHARS} to ${MAX_TURN_SECRET_CHARS} characters, not ${secret.length}`);
    }
    const ttl = config.credentialTtlSeconds ?? 3600;
    if (!Number.isInteger(ttl) || ttl < MIN_TURN_TTL_SECONDS || ttl > 7 * 24 * 3600) throw new Error(`TURN credentials last ${MIN_TURN_TTL_SECONDS} s to 7 days, not ${ttl} s`);
    this.#config = { ...config, credentialTtlSeconds: ttl };
  }

  /**
   * How often a connected session gets fresh servers: half the credentials' lifetime, so new ones
   * arrive while the old still work; undefined when nothing expires (no TURN secret).
   */
  get refreshMs(): number | undefined {
    const { servers, turnSecret, credentialTtlSeconds = 3600 } = this.#config;
    return turnSecret === undefined || !servers.some(isTurnServer) ? undefined : (credentialTtlSeconds * 1000) / 2;
  }

  /** The ICE servers for session `id` at `nowMs`; undefined when none are configured, so welcomes stay as they were. */
  issue(id: string, nowMs: number): IceServer[] | undefined {
    const { servers, turnSecret, credentialTtlSeconds = 3600 } = this.#config;
    if (servers.length === 0) return undefined;
    const expires = Math.floor(nowMs / 1000) + credentialTtlSeconds;
    return servers.map((server) =>
      turnSecret !== undefined && isTurnServer(server) && server.username === undefined ? { ...server, ...turnCredentials(turnSecret, id, expires) } : server,
    );
  }
}
