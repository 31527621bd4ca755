import type { IceServer } from "@shoal/protocol";
import type { MakePeerConnection } from "./PeerConnectionLike.ts";

/** How many ICE candidates of each type were gathered. */
export interface CandidateCounts {
  host: number;
  srflx: number;
  relay: number;
}

/**
 * Gathers this runtime's ICE candidates with `iceServers` (only relays when `relayOnly`) and
 * counts them by type: host (a local address), srflx (the address a STUN server saw) and relay
 * (an allocation on a TURN server, which needs valid credentials). Stops at the end of gathering
 * or after `timeoutMs`, with what it has.
 */
export async function gatherCandidates(make: MakePeerConnection, iceServers: IceServer[], options: { relayOnly?: boolean; timeoutMs?: number } = {}): Promise<CandidateCounts> {
  const pc = make({ iceServers, iceTransportPolicy: options.relayOnly ? "relay" : "all" });
  const counts: CandidateCounts = { host: 0, srflx: 0, relay: 0 };
  const seen = new Set<string>();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, options.timeoutMs ?? 10_000);
      pc.onicecandidate = (event) => {
        if (!event.candidate) return (clearTimeout(timer), resolve());
        const line = event.candidate.candidate;
        const type = /\btyp (host|srflx|prflx|relay)\b/.exec(line)?.[1];
        if (!line || seen.has(line) || (type !== "host" && type !== "srflx" && type !== "relay")) return;
        seen.add(line);
        counts[type]++;
      };
      pc.createDataChannel("shoal-check");
      pc.createOffer()
        .then((offer) => pc.setLocalDescription(offer))
        .catch((error: unknown) => (clearTimeout(timer), reject(error instanceof Error ? error : new Error(String(error)))));
    });
  } finally {
    pc.onicecandidate = null;
    pc.close();
  }
  return counts;
}
