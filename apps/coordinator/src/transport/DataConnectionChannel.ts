import { frameMessage, ProtocolError, Reassembler } from "@shoal/protocol";
import { ChannelBase } from "@shoal/worker";
import type { DataConnectionLike } from "./peerjsTypes.ts";

/** Time given to queued messages (such as a final error) before a closing data connection is torn down. */
const CLOSE_DELAY_MS = 200;

/**
 * A worker channel over a PeerJS data connection with `raw` serialization: each message is JSON
 * text, split into frames by `frameMessage` when long and rebuilt by a `Reassembler`. Non-text
 * data and bad frames are reported through `onBreach`. It keeps the worker's `Channel` contract
 * (`runChannelTests`).
 */
export class DataConnectionChannel extends ChannelBase {
  readonly transport = "webrtc";
  readonly #connection: DataConnectionLike;
  readonly #reassembler = new Reassembler();

  constructor(connection: DataConnectionLike, onBreach: (error: ProtocolError) => void) {
    super();
    this.#connection = connection;
    connection.on("data", (data) => {
      if (!this.open) return;
      if (typeof data !== "string") return onBreach(new ProtocolError("data channel messages must be text"));
      let text: string | undefined;
      try {
        text = this.#reassembler.push(data);
      } catch (error) {
        if (error instanceof ProtocolError) return onBreach(error);
        throw error;
      }
      if (text !== undefined) this.deliver(text);
    });
    connection.on("close", () => this.closed("data connection closed"));
    connection.on("error", (error) => this.closed(`data connection error: ${error.message}`));
  }

  protected transmit(text: string): void {
    if (!this.#connection.open) return;
    for (const frame of frameMessage(text)) this.#connection.send(frame);
  }

  protected shutdown(): void {
    setTimeout(() => this.#connection.close(), CLOSE_DELAY_MS).unref();
  }
}
