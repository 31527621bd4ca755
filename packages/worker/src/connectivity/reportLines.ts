import type { ConnectivityReport } from "./checkConnectivity.ts";

/** Words for each reach, as the donor page and `shoal worker --check` say them. */
export const REACH_WORDS = {
  direct: "direct: other volunteers can reach this one peer to peer",
  "relay-only": "relay-only: other volunteers reach this one through the TURN relay",
  "websocket-only": "WebSocket-only: tasks work, but no shard exchange with other volunteers",
} as const;

/** The report as label/value lines, for a terminal or a page. */
export function reportLines(report: ConnectivityReport): Array<[label: string, value: string]> {
  const { coordinator, iceServers, candidates, relay } = report;
  const lines: Array<[string, string]> = [
    ["coordinator", coordinator.reachable ? `reachable over WebSocket (welcome in ${coordinator.welcomeMs.toFixed(0)} ms)` : `not reachable: ${coordinator.error}`],
  ];
  if (coordinator.reachable) lines.push(["ICE servers", `${iceServers.stun} STUN, ${iceServers.turn} TURN`]);
  if (candidates) lines.push(["ICE candidates", `${candidates.host} host, ${candidates.srflx} srflx, ${candidates.relay} relay`]);
  if (relay) {
    lines.push(["TURN relay", relay.ok ? `data channel open: RTT ${relay.rttMs.toFixed(1)} ms, ${relay.megabytesPerSecond.toFixed(1)} MB/s` : `failed: ${relay.error}`]);
  } else if (coordinator.reachable) {
    lines.push(["TURN relay", "none configured"]);
  }
  lines.push(["reach", REACH_WORDS[report.reach]]);
  return lines;
}

/** True when everything the check could try worked: the coordinator answered, the relay (if any) carried data, and peers can reach this one. */
export function reportPassed(report: ConnectivityReport): boolean {
  return report.coordinator.reachable && report.relay?.ok !== false && report.reach !== "websocket-only";
}
