import wrtc from "@roamhq/wrtc";
import { WebSocket } from "ws";
import type * as PeerJs from "peerjs";
import type { Peer } from "peerjs";
import type { MakePeerConnection, PeerConnectionLike } from "../connectivity/PeerConnectionLike.ts";
import { openPeer } from "../channel/openPeer.ts";
import type { PeerRtcConfig } from "../channel/openPeer.ts";

type PeerClass = typeof PeerJs.Peer;

let loaded: Promise<PeerClass> | undefined;

/**
 * Loads PeerJS in Node and returns its `Peer` class; the one loader for the worker and the
 * coordinator. PeerJS looks for the browser's WebRTC classes and WebSocket as globals when it
 * loads, so @roamhq/wrtc and `ws` are installed first (only where missing). Plain Node sees
 * PeerJS's CommonJS build, whose classes sit on `default`; vitest's loader names them directly.
 */
export function loadPeerJs(): Promise<PeerClass> {
  loaded ??= (async () => {
    const globals = globalThis as Record<string, unknown>;
    globals.RTCPeerConnection ??= wrtc.RTCPeerConnection;
    globals.RTCSessionDescription ??= wrtc.RTCSessionDescription;
    globals.RTCIceCandidate ??= wrtc.RTCIceCandidate;
    globals.WebSocket ??= SignallingWebSocket;
    const peerjs: Partial<typeof PeerJs> & { default?: Partial<typeof PeerJs> } = await import("peerjs");
    const Peer = peerjs.Peer ?? peerjs.default?.Peer;
    if (!Peer) throw new Error("peerjs has no Peer export");
    return Peer;
  })();
  return loaded;
}

/**
 * `ws`'s WebSocket as PeerJS needs it in Node. PeerJS sets `onclose` but never `onerror`, and `ws`
 * throws an 'error' nobody listens to: a failed upgrade (a coordinator without `/peerjs` answers
 * 404) would crash the process. The error is left to the close that follows, which PeerJS handles.
 */
class SignallingWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on("error", () => undefined);
  }
}

/** Registers a PeerJS peer (with `id`, or one the server picks) and resolves once the signalling server has accepted it. */
export async function openNodePeer(coordinatorUrl: string, id?: string, timeoutMs = 10_000, rtc?: PeerRtcConfig): Promise<Peer> {
  const Peer = await loadPeerJs();
  return openPeer(Peer, coordinatorUrl, id, timeoutMs, rtc);
}

/** A peer connection of @roamhq/wrtc, for gathering candidates in Node. */
export const makeNodePeerConnection: MakePeerConnection = (config) => new wrtc.RTCPeerConnection(config) as unknown as PeerConnectionLike;
