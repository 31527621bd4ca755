import type { IceServer, Reach } from "@shoal/protocol";
import { encodeMessage, isTurnServer, parseCoordinatorMessage, PROTOCOL_VERSION } from "@shoal/protocol";
import type { Channel } from "../channel/Channel.ts";
import { classifyReach } from "./classifyReach.ts";
import type { CandidateCounts } from "./gatherCandidates.ts";
import { gatherCandidates } from "./gatherCandidates.ts";
import type { RelayMeasurement } from "./measureRelay.ts";
import { measureRelay } from "./measureRelay.ts";
import type { MakePeerConnection } from "./PeerConnectionLike.ts";

/** What a connectivity check found: shown to the donor, printed by `shoal worker --check`. */
export interface ConnectivityReport {
  /** The coordinator answered a hello over its WebSocket, and how long the welcome took. */
  coordinator: { reachable: true; welcomeMs: number } | { reachable: false; error: string };
  /** STUN and TURN servers the welcome gave. */
  iceServers: { stun: number; turn: number };
  /** Candidates gathered with them; undefined without WebRTC or when the coordinator was not reached. */
  candidates?: CandidateCounts;
  /** A data channel through the TURN relay, when one is configured. */
  relay?: ({ ok: true } & RelayMeasurement) | { ok: false; error: string };
  reach: Reach;
}

export interface ConnectivityCheckOptions {
  /** Opens the WebSocket channel to the coordinator. */
  openWebSocket: () => Promise<Channel>;
  /** The runtime's RTCPeerConnection; absent where there is no WebRTC. */
  makePeerConnection?: MakePeerConnection;
  /** Use TURN relays only, as `--relay-only` volunteers do. */
  relayOnly?: boolean;
  /** Per step. Default 10 s. */
  timeoutMs?: number;
}

/**
 * The donor's connectivity self-test: says hello to the coordinator over the WebSocket (and
 * leaves), gathers ICE candidates with the STUN/TURN servers the welcome gave, opens a data
 * channel through the TURN relay when one is configured and measures its round trip and
 * throughput, and classifies the donor as direct, relay-only or WebSocket-only.
 */
export async function checkConnectivity(options: ConnectivityCheckOptions): Promise<ConnectivityReport> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let iceServers: IceServer[];
  let welcomeMs: number;
  try {
    ({ iceServers, welcomeMs } = await welcome(options.openWebSocket, timeoutMs));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { coordinator: { reachable: false, error: reason }, iceServers: { stun: 0, turn: 0 }, reach: "websocket-only" };
  }
  const turn = iceServers.filter(isTurnServer);
  const report: ConnectivityReport = { coordinator: { reachable: true, welcomeMs }, iceServers: { stun: iceServers.length - turn.length, turn: turn.length }, reach: "websocket-only" };
  const make = options.makePeerConnection;
  if (!make) return report;
  report.candidates = await gatherCandidates(make, iceServers, { relayOnly: options.relayOnly ?? false, timeoutMs });
  if (turn.length > 0) {
    try {
      report.relay = { ok: true, ...(await measureRelay(make, turn, { timeoutMs })) };
    } catch (error) {
      report.relay = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
  const evidence = { candidates: report.candidates, iceServers, relayOnly: options.relayOnly ?? false };
  report.reach = classifyReach(report.relay ? { ...evidence, relayWorks: report.relay.ok } : evidence);
  return report;
}

/** Says hello on a fresh WebSocket channel and returns the welcome's ICE servers; the channel is closed after. */
async function welcome(open: () => Promise<Channel>, timeoutMs: number): Promise<{ iceServers: IceServer[]; welcomeMs: number }> {
  const channel = await open();
  try {
    const started = performance.now();
    const answer = new Promise<IceServer[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no welcome from the coordinator within ${timeoutMs} ms`)), timeoutMs);
      channel.onClose((reason) => (clearTimeout(timer), reject(new Error(`the coordinator closed the connection: ${reason}`))));
      channel.onMessage((text) => {
        try {
          const message = parseCoordinatorMessage(text);
          if (message.type === "refused" || message.type === "error") throw new Error(`the coordinator refused: ${message.type === "refused" ? message.reason : message.message}`);
          if (message.type !== "welcome") return;
          clearTimeout(timer);
          resolve(message.iceServers ?? []);
        } catch (error) {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    channel.send(encodeMessage({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: [], shards: [] }));
    const iceServers = await answer;
    return { iceServers, welcomeMs: performance.now() - started };
  } finally {
    channel.close("connectivity check done");
  }
}
