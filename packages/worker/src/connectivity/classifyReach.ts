import type { IceServer, Reach } from "@shoal/protocol";
import type { CandidateCounts } from "./gatherCandidates.ts";

/** What the connectivity check found, as {@link classifyReach} needs it. */
export interface ReachEvidence {
  /** Candidates gathered; undefined when this runtime has no WebRTC or cannot serve shards to peers. */
  candidates: CandidateCounts | undefined;
  /** The configured ICE servers. */
  iceServers: IceServer[];
  /** Whether a data channel through the TURN relay opened; undefined when it was not tried. */
  relayWorks?: boolean;
  /** The volunteer was told to use relays only (`iceTransportPolicy: "relay"`). */
  relayOnly?: boolean;
}

/**
 * Classifies how other peers can reach this one. Direct: it has its own addresses (host
 * candidates) and, when STUN servers are configured, a public one (srflx) too, since a STUN
 * server that never answers means UDP is blocked. Relay-only: no direct path, but a TURN relay
 * allocated (and carried a data channel, when that was tried). Otherwise WebSocket-only.
 */
export function classifyReach({ candidates, iceServers, relayWorks, relayOnly }: ReachEvidence): Reach {
  if (!candidates) return "websocket-only";
  const stun = iceServers.some((server) => (typeof server.urls === "string" ? [server.urls] : server.urls).some((url) => /^stuns?:/.test(url)));
  const direct = !relayOnly && candidates.host + candidates.srflx > 0 && (!stun || candidates.srflx > 0);
  if (direct) return "direct";
  return candidates.relay > 0 && relayWorks !== false ? "relay-only" : "websocket-only";
}
