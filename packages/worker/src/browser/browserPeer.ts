import { Peer } from "peerjs";
import { openPeer } from "../channel/openPeer.ts";
import type { PeerRtcConfig } from "../channel/openPeer.ts";
import type { MakePeerConnection, PeerConnectionLike } from "../connectivity/PeerConnectionLike.ts";

/** Registers a PeerJS peer in the browser (with `id`, or one the server picks) and resolves once the signalling server accepted it. */
export function openBrowserPeer(coordinatorUrl: string, id?: string, timeoutMs = 10_000, rtc?: PeerRtcConfig): Promise<Peer> {
  return openPeer(Peer, coordinatorUrl, id, timeoutMs, rtc);
}

/** The browser's RTCPeerConnection, for the connectivity check. */
export const makeBrowserPeerConnection: MakePeerConnection = (config) => new RTCPeerConnection(config) as unknown as PeerConnectionLike;
