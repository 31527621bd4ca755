/** Which wire a channel runs over; logged and shown in peer lists. */
export type TransportName = "memory" | "ws" | "webrtc";

/**
 * An ordered, reliable pipe of text messages to one remote party — the coordinator or another
 * peer. Messages that arrive before the first `onMessage` listener are kept for it. After
 * `close` (by either side) nothing more is delivered, `send` does nothing, and every `onClose`
 * listener runs exactly once, even one added later.
 */
export interface Channel {
  readonly transport: TransportName;
  /** True until the channel closes. */
  readonly open: boolean;
  send(text: string): void;
  /**
   * Resolves once the channel's outgoing buffer is below its high-water mark (at once for
   * channels without one, and once closed): a sender of many messages awaits it between them.
   */
  whenWritable(): Promise<void>;
  /** Adds a listener for incoming messages; returns a function that removes it. */
  onMessage(listener: (text: string) => void): () => void;
  /** Adds a listener for the close of the channel, with a human-readable reason. */
  onClose(listener: (reason: string) => void): () => void;
  close(reason?: string): void;
}
