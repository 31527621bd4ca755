import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatherCandidates } from "@shoal/worker";
import { makeNodePeerConnection } from "@shoal/worker/node";
import type { Coturn } from "@shoal/worker/node/testing";
import { startCoturn } from "@shoal/worker/node/testing";
import { IceServerIssuer } from "../src/transport/IceServerIssuer.ts";
import { turnCredentials } from "../src/transport/turnCredentials.ts";

/*
 * The credentials the coordinator issues, checked by a real coturn (use-auth-secret) on
 * 127.0.0.1: a relay candidate is gathered only when coturn accepted the allocation.
 */

let coturn: Coturn;
beforeAll(async () => {
  coturn = await startCoturn({ port: 8188, minPort: 49160, maxPort: 49179 });
});
afterAll(() => coturn?.close());

const relays = async (username: string, credential: string) =>
  (await gatherCandidates(makeNodePeerConnection, [{ urls: coturn.url, username, credential }], { relayOnly: true })).relay;

describe("TURN credentials (coturn use-auth-secret)", () => {
  it("are accepted by coturn when the coordinator issues them, and carry only an expiry, the id and an HMAC", async () => {
    const issuer = new IceServerIssuer({ servers: [{ urls: coturn.url }, { urls: "stun:127.0.0.1:8188" }], turnSecret: coturn.secret, credentialTtlSeconds: 600 });
    const now = Date.now();
    const servers = issuer.issue("peer-7", now)!;
    expect(servers[1]).toEqual({ urls: "stun:127.0.0.1:8188" });
    const turn = servers[0]!;
    expect(turn.username).toBe(`${Math.floor(now / 1000) + 600}:peer-7`);
    expect(JSON.stringify(servers)).not.toContain(coturn.secret);
    expect(await relays(turn.username!, turn.credential!)).toBeGreaterThan(0);
  });

  it("are refused by coturn once expired", async () => {
    const expired = turnCredentials(coturn.secret, "peer-7", Date.now() / 1000 - 60);
    expect(await relays(expired.username, expired.credential)).toBe(0);
  });

  it("are refused by coturn when forged: made with another secret, or with the expiry pushed out", async () => {
    const forged = turnCredentials("not-the-coturn-secret-at-all", "peer-7", Date.now() / 1000 + 600);
    expect(await relays(forged.username, forged.credential)).toBe(0);
    const real = turnCredentials(coturn.secret, "peer-7", Date.now() / 1000 + 600);
    const stretched = real.username.replace(/^\d+/, (expiry) => String(Number(expiry) + 86_400));
    expect(await relays(stretched, real.credential)).toBe(0);
  });

  it("issues nothing when no servers are configured, and refuses a guessable secret", () => {
    expect(new IceServerIssuer({ servers: [] }).issue("p", Date.now())).toBeUndefined();
    expect(() => new IceServerIssuer({ servers: [{ urls: "turn:a" }], turnSecret: "short" })).toThrow(/16 to 512 characters, not 5/);
  });
});
