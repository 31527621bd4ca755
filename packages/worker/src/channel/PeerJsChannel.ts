import type { DataConnection, Peer } from "peerjs";
import { frameMessage, Reassembler } from "@shoal/protocol";
import { ChannelBase } from "./ChannelBase.ts";
import { SendQueue } from "./SendQueue.ts";

/** PeerJS serialization our channels use on both ends: strings as they are, framed by `frameMessage`. */
export const PEERJS_SERIALIZATION = "raw";

/**
 * A channel over a reliable PeerJS data connection. Long messages are cut into frames
 * (`@shoal/protocol` frames) so they fit data-channel message limits, and rebuilt on arrival.
 */
export class PeerJsChannel extends ChannelBase {
  readonly transport = "webrtc";
  readonly #connection: DataConnection;
  readonly #reassembler = new Reassembler();
  readonly #queue: SendQueue;

  /** Wraps an open connection, one this peer dialled or one it accepted. */
  constructor(connection: DataConnection) {
    super();
    this.#connection = connection;
    this.#queue = new SendQueue(connection.dataChannel, (frame) => connection.send(frame), (reason) => this.close(reason));
    connection.on("data", (data) => this.#receive(data));
    connection.on("close", () => this.#closedRemotely("data channel closed"));
    connection.on("error", (error) => this.#closedRemotely(`data channel error: ${error.message}`));
    const ice = connection.peerConnection;
    ice?.addEventListener("iceconnectionstatechange", () => {
      if (ice.iceConnectionState === "failed" || ice.iceConnectionState === "disconnected") this.close(`ICE ${ice.iceConnectionState}`);
    });
  }

  /** The remote PeerJS id. */
  get remoteId(): string {
    return this.#connection.peer;
  }

  /** Dials `remoteId` through `peer` and resolves once the data channel is open; rejects on error or after `timeoutMs`. */
  static connect(peer: Peer, remoteId: string, timeoutMs = 10_000): Promise<PeerJsChannel> {
    return new Promise((resolve, reject) => {
      const connection = peer.connect(remoteId, { serialization: PEERJS_SERIALIZATION, reliable: true });
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        peer.off("error", onPeerError);
        if (!error) return resolve(new PeerJsChannel(connection));
        connection.close();
        reject(error);
      };
      const timer = setTimeout(() => settle(new Error(`no data channel to ${remoteId} after ${timeoutMs} ms`)), timeoutMs);
      const onPeerError = (error: Error & { type?: string }) => {
        if (error.type === "peer-unavailable" || error.type === "disconnected" || error.type === "network") settle(error);
      };
      peer.on("error", onPeerError);
      connection.on("error", (error) => settle(error));
      connection.on("close", () => settle(new Error(`data channel to ${remoteId} closed while opening`)));
      connection.on("open", () => settle());
    });
  }

  /** Frames waiting to be sent plus the data channel's own buffer, for status lines. */
  get queuedBytes(): number {
    return this.#queue.queuedBytes;
  }

  /** The most ever waiting to be sent at once; stays near the high-water mark for senders that await {@link whenWritable}. */
  get peakQueuedBytes(): number {
    return this.#queue.peakQueuedBytes;
  }

  override whenWritable(): Promise<void> {
    return this.#queue.whenWritable();
  }

  protected transmit(text: string): void {
    this.#queue.push(frameMessage(text));
  }

  protected shutdown(): void {
    this.#queue.stop();
    this.#connection.close();
  }

  #closedRemotely(reason: string): void {
    this.#queue.stop();
    this.closed(reason);
  }

  #receive(data: unknown): void {
    if (typeof data !== "string") return this.close("binary message on a text channel");
    let text: string | undefined;
    try {
      text = this.#reassembler.push(data);
    } catch (error) {
      return this.close((error as Error).message);
    }
    if (text !== undefined) this.deliver(text);
  }
}
