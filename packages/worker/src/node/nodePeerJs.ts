import wrtc from "@roamhq/wrtc";
import { WebSocket } from "ws";
import type * as PeerJs from "peerjs";
import type { Peer } from "peerjs";
import type { MakePeerConnection, PeerConnectionLike } from "../connectivity/PeerConnectionLike.ts";
import { openPeer } from "../channel/openPeer.ts";
import type { PeerRtcConfig } from "../channel/openPeer.ts";

type PeerJsModule = typeof PeerJs;

let loaded: Promise<PeerJsModule> | undefined;

/**
 * Loads PeerJS in Node. PeerJS looks for the browser's WebRTC classes and WebSocket as
 * globals when it loads, so @roamhq/wrtc and `ws` are installed first (only where missing).
 */
export function loadPeerJs(): Promise<PeerJsModule> {
  loaded ??= (async () => {
    const globals = globalThis as Record<string, unknown>;
    globals.RTCPeerConnection ??= wrtc.RTCPeerConnection;
    globals.RTCSessionDescription ??= wrtc.RTCSessionDescription;
    globals.RTCIceCandidate ??= wrtc.RTCIceCandidate;
    globals.WebSocket ??= WebSocket;
    // Node's own ESM loader (the installed, bundled shoal) sees PeerJS's CommonJS build as one
    // default export; tsx also offers its names.
    const peerjs = (await import("peerjs")) as PeerJsModule & { default?: PeerJsModule };
    return peerjs.default?.Peer !== undefined && peerjs.Peer === undefined ? peerjs.default : peerjs;
  })();
  return loaded;
}

/** Registers a PeerJS peer (with `id`, or one the server picks) and resolves once the signalling server has accepted it. */
export async function openNodePeer(coordinatorUrl: string, id?: string, timeoutMs = 10_000, rtc?: PeerRtcConfig): Promise<Peer> {
  const { Peer } = await loadPeerJs();
  return openPeer(Peer, coordinatorUrl, id, timeoutMs, rtc);
}

/** A peer connection of @roamhq/wrtc, for gathering candidates in Node. */
export const makeNodePeerConnection: MakePeerConnection = (config) => new wrtc.RTCPeerConnection(config) as unknown as PeerConnectionLike;
