import { WebSocket } from "ws";
import type { Channel } from "../channel/Channel.ts";
import { PeerJsChannel } from "../channel/PeerJsChannel.ts";
import { WebSocketChannel } from "../channel/WebSocketChannel.ts";
import { openNodePeer } from "./nodePeerJs.ts";

/** The coordinator's PeerJS id on its own signalling server. */
export const COORDINATOR_PEER_ID = "shoal-coordinator";

export interface ConnectOptions {
  /** The coordinator's base URL, `http(s)://host:port[/path]`. */
  url: string;
  transport: "webrtc" | "ws";
  /** How long WebRTC may take before falling back to the WebSocket. */
  webrtcTimeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * Opens a channel to the coordinator from Node: a WebRTC data channel to the PeerJS peer
 * `shoal-coordinator` through the signalling server at `{url}/peerjs`, falling back to the
 * WebSocket at `{url}/ws` when WebRTC does not connect in time (or straight to it for `ws`).
 */
export async function connectCoordinator(options: ConnectOptions): Promise<Channel> {
  const ws = () => WebSocketChannel.connect(webSocketUrl(options.url), { WebSocket, timeoutMs: 10_000 });
  if (options.transport === "ws") return ws();
  let webrtcError: Error;
  try {
    return await connectWebRtc(options.url, options.webrtcTimeoutMs ?? 5_000);
  } catch (error) {
    webrtcError = error as Error;
  }
  try {
    const channel = await ws();
    options.log?.(`WebRTC did not connect (${webrtcError.message}); using the WebSocket`);
    return channel;
  } catch (error) {
    throw new Error(`${(error as Error).message} (WebRTC: ${webrtcError.message})`);
  }
}

/** `http://host:port/base` → `ws://host:port/base/ws`. */
export function webSocketUrl(url: string): string {
  const ws = new URL(url);
  ws.protocol = ws.protocol === "https:" ? "wss:" : "ws:";
  ws.pathname = `${ws.pathname.replace(/\/+$/, "")}/ws`;
  return ws.href;
}

async function connectWebRtc(url: string, timeoutMs: number): Promise<Channel> {
  const peer = await openNodePeer(url, undefined, timeoutMs);
  try {
    const channel = await PeerJsChannel.connect(peer, COORDINATOR_PEER_ID, timeoutMs);
    peer.on("disconnected", () => channel.close("lost the signalling server"));
    peer.on("error", () => undefined);
    channel.onClose(() => peer.destroy());
    return channel;
  } catch (error) {
    peer.destroy();
    throw error;
  }
}
