import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { MESSAGE_LIMITS, ProtocolError } from "@shoal/protocol";
import type { Grid } from "../volunteers/Grid.ts";
import type { Logger } from "../Logger.ts";
import { WsChannel } from "./WsChannel.ts";

/**
 * The WebSocket endpoint (`/ws`): one worker channel per socket, JSON text messages, the
 * protocol's message size enforced by `maxPayload` too, and pings to drop dead sockets.
 */
export class WebSocketTransport {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MESSAGE_LIMITS.messageBytes });
  readonly #grid: Grid;
  readonly #channels = new Set<WsChannel>();
  readonly #pinger: ReturnType<typeof setInterval>;
  readonly #shardBaseUrl: (req: IncomingMessage) => string;

  constructor(grid: Grid, logger: Logger, shardBaseUrl: (req: IncomingMessage) => string, pingMs = 30_000) {
    this.#grid = grid;
    this.#shardBaseUrl = shardBaseUrl;
    this.#pinger = setInterval(() => this.#channels.forEach((c) => c.ping()), pingMs);
    this.#pinger.unref();
    this.#wss.on("error", (error) => logger.warn(`websocket server: ${error.message}`));
  }

  /** Takes an HTTP upgrade request for `/ws`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const channel = new WsChannel(ws, () => session.fail(new ProtocolError("binary messages are not part of the protocol")));
      ws.on("error", () => ws.terminate());
      this.#channels.add(channel);
      channel.onClose(() => this.#channels.delete(channel));
      const session = this.#grid.attach(channel, { remote: `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? "?"}`, shardBaseUrl: this.#shardBaseUrl(req) });
    });
  }

  close(): void {
    clearInterval(this.#pinger);
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
  }
}
