import type { WebSocket } from "ws";
import type { WorkerChannel } from "../grid/WorkerChannel.ts";

/** A worker channel over a WebSocket the coordinator accepted; binary frames are reported through `onBinary`. */
export class WsChannel implements WorkerChannel {
  readonly transport = "ws";
  readonly #socket: WebSocket;
  #alive = true;

  constructor(socket: WebSocket, onBinary: () => void) {
    this.#socket = socket;
    socket.on("pong", () => (this.#alive = true));
    socket.on("message", (data, isBinary) => {
      if (isBinary) onBinary();
    });
  }

  send(text: string): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(text);
  }

  onMessage(listener: (text: string) => void): () => void {
    const handler = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (!isBinary) listener(Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.concat(data as Buffer[]).toString("utf8"));
    };
    this.#socket.on("message", handler);
    return () => this.#socket.off("message", handler);
  }

  onClose(listener: (reason: string) => void): () => void {
    const handler = (code: number, reason: Buffer) => listener(reason.toString("utf8") || `socket closed (${code})`);
    if (this.#socket.readyState === this.#socket.CLOSED) {
      queueMicrotask(() => listener("socket closed"));
      return () => {};
    }
    this.#socket.on("close", handler);
    return () => this.#socket.off("close", handler);
  }

  close(reason = "closed"): void {
    this.#socket.close(1000, reason.replace(/[^\x20-\x7e]/g, "?").slice(0, 100));
  }

  /** Pings the socket; a socket that did not answer the previous ping is terminated. */
  ping(): void {
    if (!this.#alive) return void this.#socket.terminate();
    this.#alive = false;
    this.#socket.ping();
  }
}
