import { WebSocketChannel } from "../channel/WebSocketChannel.ts";
import type { ConnectivityReport } from "../connectivity/checkConnectivity.ts";
import { checkConnectivity } from "../connectivity/checkConnectivity.ts";
import { makeBrowserPeerConnection } from "./browserPeer.ts";
import { webSocketUrl } from "./connectFromBrowser.ts";

/** The connectivity self-test from a page (the donor page's "Check connection"): the browser's WebSocket and RTCPeerConnection. */
export function checkBrowserConnectivity(coordinatorUrl: string, timeoutMs = 10_000): Promise<ConnectivityReport> {
  return checkConnectivity({
    openWebSocket: () => WebSocketChannel.connect(webSocketUrl(coordinatorUrl), { timeoutMs }),
    ...(typeof RTCPeerConnection === "function" ? { makePeerConnection: makeBrowserPeerConnection } : {}),
    timeoutMs,
  });
}
