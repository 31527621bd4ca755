/** The part of a PeerJS `DataConnection` the coordinator uses. */
export interface DataConnectionLike {
  readonly peer: string;
  readonly serialization: string;
  readonly open: boolean;
  readonly dataChannel?: { readonly bufferedAmount: number } | null;
  send(data: string): void;
  close(): void;
  on(event: "open" | "close", listener: () => void): void;
  on(event: "data", listener: (data: unknown) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
}

/** The part of a PeerJS `Peer` the coordinator uses. */
export interface PeerLike {
  readonly id: string;
  readonly open: boolean;
  readonly disconnected: boolean;
  readonly destroyed: boolean;
  on(event: "open", listener: (id: string) => void): void;
  on(event: "connection", listener: (connection: DataConnectionLike) => void): void;
  on(event: "error", listener: (error: Error & { type?: string }) => void): void;
  on(event: "disconnected" | "close", listener: () => void): void;
  reconnect(): void;
  destroy(): void;
}

/** Options of a PeerJS `Peer` that the coordinator sets. */
export interface PeerOptionsLike {
  host: string;
  port: number;
  path: string;
  key: string;
  token: string;
  secure: boolean;
  debug: number;
  config: { iceServers: Array<{ urls: string | string[]; username?: string; credential?: string }> };
}

export type PeerConstructor = new (id: string, options: PeerOptionsLike) => PeerLike;
