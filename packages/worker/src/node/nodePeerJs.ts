import wrtc from "@roamhq/wrtc";
import { WebSocket } from "ws";
import type * as PeerJs from "peerjs";
import type { Peer, PeerOptions } from "peerjs";

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
    return import("peerjs");
  })();
  return loaded;
}

/** PeerJS options for the signalling server a coordinator hosts at `{url}/peerjs`; loopback and LAN need no ICE servers. */
export function signallingOptions(coordinatorUrl: string): PeerOptions {
  const url = new URL(coordinatorUrl);
  const secure = url.protocol === "https:";
  return {
    host: url.hostname,
    port: Number(url.port) || (secure ? 443 : 80),
    path: `${url.pathname.replace(/\/+$/, "")}/peerjs`,
    secure,
    config: { iceServers: [] },
    debug: 0,
  };
}

/** Registers a PeerJS peer (with `id`, or one the server picks) and resolves once the signalling server has accepted it. */
export async function openNodePeer(coordinatorUrl: string, id?: string, timeoutMs = 10_000): Promise<Peer> {
  const { Peer } = await loadPeerJs();
  const options = signallingOptions(coordinatorUrl);
  const peer = id === undefined ? new Peer(options) : new Peer(id, options);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`signalling server did not answer within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      peer.destroy();
      reject(new Error(`cannot register with ${coordinatorUrl}/peerjs: ${error.message}`));
    };
    peer.once("error", fail);
    peer.once("open", () => {
      clearTimeout(timer);
      peer.off("error", fail);
      resolve(peer);
    });
  });
}
