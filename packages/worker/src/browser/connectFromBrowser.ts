import type { Channel } from "../channel/Channel.ts";
import { PeerJsChannel } from "../channel/PeerJsChannel.ts";
import { WebSocketChannel } from "../channel/WebSocketChannel.ts";
import { openBrowserPeer } from "./browserPeer.ts";

/** The coordinator's PeerJS id on its own signalling server. */
const COORDINATOR_PEER_ID = "shoal-coordinator";

export interface BrowserConnectOptions {
  /** The coordinator's base URL, `http(s)://host:port[/path]`. */
  url: string;
  transport: "webrtc" | "ws";
  /** How long WebRTC may take before the WebSocket is used instead. */
  webrtcTimeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * Opens a channel to the coordinator from a page: a WebRTC data channel to its PeerJS peer,
 * falling back to the WebSocket at `{url}/ws` when WebRTC does not connect within a few seconds.
 */
export async function connectFromBrowser(options: BrowserConnectOptions): Promise<Channel> {
  const ws = () => WebSocketChannel.connect(webSocketUrl(options.url), { timeoutMs: 10_000 });
  if (options.transport === "ws") return ws();
  const timeoutMs = options.webrtcTimeoutMs ?? 4_000;
  try {
    const peer = await openBrowserPeer(options.url, undefined, timeoutMs);
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
  } catch (error) {
    options.log?.(`WebRTC did not connect (${(error as Error).message}); using the WebSocket`);
    return ws();
  }
}

/** `http://host:port/base` → `ws://host:port/base/ws`. */
export function webSocketUrl(url: string): string {
  const ws = new URL(url);
  ws.protocol = ws.protocol === "https:" ? "wss:" : "ws:";
  ws.pathname = `${ws.pathname.replace(/\/+$/, "")}/ws`;
  return ws.href;
}
