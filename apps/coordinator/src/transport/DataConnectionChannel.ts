import { frameMessage, ProtocolError, Reassembler } from "@shoal/protocol";
import type { WorkerChannel } from "../grid/WorkerChannel.ts";
import type { DataConnectionLike } from "./peerjsTypes.ts";

/** Time given to queued messages (such as a final error) before a closing data connection is torn down. */
const CLOSE_DELAY_MS = 200;

/**
 * A worker channel over a PeerJS data connection with `raw` serialization: each message is JSON
 * text, split into frames by `frameMessage` when long and rebuilt by a `Reassembler`. Non-text
 * data and bad frames are reported through `onBreach`.
 */
export class DataConnectionChannel implements WorkerChannel {
  readonly transport = "webrtc";
  readonly #connection: DataConnectionLike;
  readonly #reassembler = new Reassembler();
  readonly #messageListeners = new Set<(text: string) => void>();
  readonly #closeListeners = new Set<(reason: string) => void>();
  #closeReason: string | undefined;

  constructor(connection: DataConnectionLike, onBreach: (error: ProtocolError) => void) {
    this.#connection = connection;
    connection.on("data", (data) => {
      if (this.#closeReason !== undefined) return;
      if (typeof data !== "string") return onBreach(new ProtocolError("data channel messages must be text"));
      let text: string | undefined;
      try {
        text = this.#reassembler.push(data);
      } catch (error) {
        if (error instanceof ProtocolError) return onBreach(error);
        throw error;
      }
      if (text !== undefined) for (const listener of [...this.#messageListeners]) listener(text);
    });
    connection.on("close", () => this.#closed("data connection closed"));
    connection.on("error", (error) => this.#closed(`data connection error: ${error.message}`));
  }

  send(text: string): void {
    if (this.#closeReason !== undefined || !this.#connection.open) return;
    for (const frame of frameMessage(text)) this.#connection.send(frame);
  }

  onMessage(listener: (text: string) => void): () => void {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    const reason = this.#closeReason;
    if (reason !== undefined) {
      queueMicrotask(() => listener(reason));
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  close(reason = "closed"): void {
    if (this.#closeReason !== undefined) return;
    this.#closed(reason);
    setTimeout(() => this.#connection.close(), CLOSE_DELAY_MS).unref();
  }

  #closed(reason: string): void {
    if (this.#closeReason !== undefined) return;
    this.#closeReason = reason;
    this.#messageListeners.clear();
    const listeners = [...this.#closeListeners];
    this.#closeListeners.clear();
    for (const listener of listeners) listener(reason);
  }
}
