import type { Peer, PeerOptions } from "peerjs";
import type { IceServer } from "@shoal/protocol";
import { NoSignallingServerError } from "./NoSignallingServerError.ts";

/** The WebRTC settings of a volunteer's data channels: the ICE servers its welcome gave, and whether to use only TURN relays. */
export interface PeerRtcConfig {
  iceServers: IceServer[];
  iceTransportPolicy?: "all" | "relay";
}

/** PeerJS options for the signalling server a coordinator hosts at `{url}/peerjs`; loopback and LAN need no ICE servers. */
export function signallingOptions(coordinatorUrl: string, rtc: PeerRtcConfig = { iceServers: [] }): PeerOptions {
  const url = new URL(coordinatorUrl);
  const secure = url.protocol === "https:";
  return {
    host: url.hostname,
    port: Number(url.port) || (secure ? 443 : 80),
    path: `${url.pathname.replace(/\/+$/, "")}/peerjs`,
    secure,
    config: { iceServers: rtc.iceServers, iceTransportPolicy: rtc.iceTransportPolicy ?? "all" },
    debug: 0,
  };
}

/**
 * Registers a PeerJS peer (with `id`, or one the server picks) with a coordinator's signalling
 * server and resolves once it was accepted. `PeerClass` is PeerJS's `Peer` as the runtime loaded
 * it: the browser's module, or Node's after its WebRTC globals are installed; `rtc` sets the ICE
 * servers (and policy) of every data channel it opens or accepts.
 */
export function openPeer(PeerClass: typeof Peer, coordinatorUrl: string, id?: string, timeoutMs = 10_000, rtc?: PeerRtcConfig): Promise<Peer> {
  const options = signallingOptions(coordinatorUrl, rtc);
  const peer = id === undefined ? new PeerClass(options) : new PeerClass(id, options);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`signalling server did not answer within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      peer.destroy();
      void explainFailure(coordinatorUrl, error).then(reject);
    };
    peer.once("error", fail);
    peer.once("open", () => {
      clearTimeout(timer);
      peer.off("error", fail);
      resolve(peer);
    });
  });
}

/**
 * Why registering failed, in words. PeerJS only sees its socket close, so a coordinator without a
 * signalling server (404 on the upgrade) looks like a lost connection; one GET of PeerJS's id route
 * tells the two apart, and is made only after a failure.
 */
async function explainFailure(coordinatorUrl: string, error: Error): Promise<Error> {
  const options = signallingOptions(coordinatorUrl);
  const idUrl = `${options.secure ? "https" : "http"}://${options.host}:${options.port}${options.path}/peerjs/id`;
  const status = await fetch(idUrl, { signal: AbortSignal.timeout(5_000) }).then(
    (res) => res.status,
    () => undefined,
  );
  if (status === 404) return new NoSignallingServerError(coordinatorUrl, status);
  return new Error(`cannot register with ${coordinatorUrl}/peerjs: ${errorReason(error)}`);
}

/** What PeerJS errors say in words: a failed fetch of an id comes as a `server-error` with no message. */
const PEERJS_ERRORS: Record<string, string> = {
  "server-error": "the signalling server did not answer",
  network: "lost the connection to the signalling server",
  "unavailable-id": "that peer id is taken",
  "invalid-id": "that peer id is not allowed",
  "browser-incompatible": "this runtime has no WebRTC",
};

function errorReason(error: Error): string {
  if (error.message) return error.message;
  const type = (error as Error & { type?: unknown }).type;
  return typeof type === "string" ? (PEERJS_ERRORS[type] ?? type) : "no reason given";
}
