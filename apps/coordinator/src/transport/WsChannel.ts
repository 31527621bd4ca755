import type { WebSocket } from "ws";
import { ChannelBase } from "@shoal/worker";

/**
 * A worker channel over a WebSocket the coordinator accepted: the worker's `Channel` contract
 * (`runChannelTests`), with binary frames reported through `onBinary` instead of delivered.
 */
export class WsChannel extends ChannelBase {
  readonly transport = "ws";
  readonly #socket: WebSocket;
  #alive = true;

  constructor(socket: WebSocket, onBinary: () => void) {
    super();
    this.#socket = socket;
    socket.on("pong", () => (this.#alive = true));
    socket.on("message", (data, isBinary) => {
      if (isBinary) return onBinary();
      this.deliver(Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.concat(data as Buffer[]).toString("utf8"));
    });
    socket.on("close", (code, reason) => this.closed(reason.toString("utf8") || `socket closed (${code})`));
    if (socket.readyState === socket.CLOSED) this.closed("socket closed");
  }

  /** Pings the socket; a socket that did not answer the previous ping is terminated. */
  ping(): void {
    if (!this.#alive) return void this.#socket.terminate();
    this.#alive = false;
    this.#socket.ping();
  }

  protected transmit(text: string): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(text);
  }

  protected shutdown(reason: string): void {
    this.#socket.close(1000, reason.replace(/[^\x20-\x7e]/g, "?").slice(0, 100));
  }
}
