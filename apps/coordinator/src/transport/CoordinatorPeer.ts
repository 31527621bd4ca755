import { loadPeerJs } from "@shoal/worker/node";
import type { Grid } from "../volunteers/Grid.ts";
import type { Logger } from "../Logger.ts";
import { DataConnectionChannel } from "./DataConnectionChannel.ts";
import type { DataConnectionLike, PeerConstructor, PeerLike, PeerOptionsLike } from "./peerjsTypes.ts";
import { SIGNALLING_KEY, SIGNALLING_PATH } from "./PeerSignalling.ts";

/** The PeerJS id workers connect to unless the coordinator is told otherwise. */
export const COORDINATOR_PEER_ID = "shoal-coordinator";

export interface CoordinatorPeerOptions {
  /** Where the signalling server listens (the coordinator's own HTTP server). */
  host: string;
  port: number;
  id: string;
  /** Secret that lets only this process register `id` with the signalling server. */
  token: string;
  iceServers: PeerOptionsLike["config"]["iceServers"];
  grid: Grid;
  logger: Logger;
  shardBaseUrl: string;
  /** Most WebRTC workers at once (each peer connection costs the coordinator about 0.5 MB). */
  maxConnections: number;
}

/**
 * The coordinator as a PeerJS peer in Node (WebRTC through @roamhq/wrtc): workers open a reliable
 * data connection with `raw` serialization to {@link COORDINATOR_PEER_ID}, and each open
 * connection becomes a worker channel of the grid.
 */
export class CoordinatorPeer {
  readonly #peer: PeerLike;
  readonly #options: CoordinatorPeerOptions;
  readonly #connections = new Set<DataConnectionLike>();
  #closing = false;

  private constructor(peer: PeerLike, options: CoordinatorPeerOptions) {
    this.#peer = peer;
    this.#options = options;
    peer.on("connection", (connection) => this.#accept(connection));
    peer.on("error", (error) => options.logger.warn(`coordinator peer: ${error.type ?? "error"}: ${error.message}`));
    peer.on("disconnected", () => {
      if (this.#closing || peer.destroyed) return;
      options.logger.warn("coordinator peer lost the signalling server; reconnecting");
      setTimeout(() => !this.#closing && !peer.destroyed && peer.disconnected && peer.reconnect(), 1000).unref();
    });
  }

  /** Registers with the signalling server and resolves once the peer id is ours. */
  static async start(options: CoordinatorPeerOptions): Promise<CoordinatorPeer> {
    const Peer: PeerConstructor = await loadPeerJs();
    const peer = new Peer(options.id, {
      host: options.host,
      port: options.port,
      path: SIGNALLING_PATH,
      key: SIGNALLING_KEY,
      token: options.token,
      secure: false,
      debug: 0,
      config: { iceServers: options.iceServers },
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the coordinator peer did not register within 10 s")), 10_000);
      peer.on("open", () => (clearTimeout(timer), resolve()));
      peer.on("error", (error) => (clearTimeout(timer), reject(error)));
    }).catch((error: unknown) => {
      peer.destroy();
      throw error;
    });
    return new CoordinatorPeer(peer, options);
  }

  close(): void {
    this.#closing = true;
    for (const connection of this.#connections) connection.close();
    this.#peer.destroy();
  }

  #accept(connection: DataConnectionLike): void {
    const { logger, grid, shardBaseUrl, maxConnections } = this.#options;
    if (connection.serialization !== "raw" || this.#connections.size >= maxConnections) {
      const why = connection.serialization !== "raw" ? `serialization ${connection.serialization} (use raw)` : `the limit of ${maxConnections} WebRTC workers`;
      logger.warn(`refusing data connection from ${connection.peer}: ${why}`);
      connection.on("open", () => connection.close());
      return;
    }
    this.#connections.add(connection);
    connection.on("close", () => this.#connections.delete(connection));
    connection.on("open", () => {
      const channel = new DataConnectionChannel(connection, (error) => session.fail(error));
      channel.onClose(() => this.#connections.delete(connection));
      const session = grid.attach(channel, { remote: `peerjs:${connection.peer}`, shardBaseUrl });
    });
  }
}
