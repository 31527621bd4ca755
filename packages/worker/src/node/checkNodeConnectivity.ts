import { WebSocket } from "ws";
import { WebSocketChannel } from "../channel/WebSocketChannel.ts";
import type { ConnectivityReport } from "../connectivity/checkConnectivity.ts";
import { checkConnectivity } from "../connectivity/checkConnectivity.ts";
import { webSocketUrl } from "./connectCoordinator.ts";
import { makeNodePeerConnection } from "./nodePeerJs.ts";

/** The connectivity self-test from Node (`shoal worker --check`): the `ws` WebSocket and @roamhq/wrtc. */
export function checkNodeConnectivity(coordinatorUrl: string, options: { relayOnly?: boolean; timeoutMs?: number } = {}): Promise<ConnectivityReport> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return checkConnectivity({
    openWebSocket: () => WebSocketChannel.connect(webSocketUrl(coordinatorUrl), { WebSocket, timeoutMs }),
    makePeerConnection: makeNodePeerConnection,
    relayOnly: options.relayOnly ?? false,
    timeoutMs,
  });
}
