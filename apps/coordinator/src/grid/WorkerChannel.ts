/**
 * The part of a worker connection the grid uses: ordered text messages both ways and a close
 * signal. `Channel` from @shoal/worker fits it; the coordinator's transports implement it for
 * accepted WebSockets and PeerJS data connections.
 */
export interface WorkerChannel {
  readonly transport: "ws" | "webrtc" | "memory";
  send(text: string): void;
  /** Adds a listener for incoming messages; returns a function that removes it. */
  onMessage(listener: (text: string) => void): () => void;
  /** Adds a listener for the close of the channel, with a human-readable reason. */
  onClose(listener: (reason: string) => void): () => void;
  close(reason?: string): void;
}

/** Where a connection came from, for logs, and the shard URL base to tell it. */
export interface ChannelInfo {
  remote: string;
  shardBaseUrl: string;
}
