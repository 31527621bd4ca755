import { ChannelBase } from "./ChannelBase.ts";

/** The part of a WHATWG WebSocket a channel uses; the browser's, Node's global and `ws`'s all fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: "error", listener: (event: { message?: string }) => void): void;
  addEventListener(type: "open", listener: () => void): void;
}

/** A WebSocket constructor, such as `globalThis.WebSocket` or the `ws` package's. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;

/** A channel over a WebSocket; wraps a client socket it opened or one a server accepted. */
export class WebSocketChannel extends ChannelBase {
  readonly transport = "ws";
  readonly #socket: WebSocketLike;

  /** Wraps an open socket. */
  constructor(socket: WebSocketLike) {
    super();
    this.#socket = socket;
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") this.deliver(event.data);
      else this.close("binary message on a text channel");
    });
    socket.addEventListener("close", (event) => this.closed(event.reason || `socket closed (${event.code})`));
    socket.addEventListener("error", (event) => this.closed(`socket error: ${event.message ?? "unknown"}`));
    if (socket.readyState > OPEN) this.closed("socket already closed");
  }

  /** Opens a socket to `url` and resolves once it is open; rejects on error or after `timeoutMs`. */
  static connect(url: string, options: { WebSocket?: WebSocketConstructor; timeoutMs?: number } = {}): Promise<WebSocketChannel> {
    const Socket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Socket) return Promise.reject(new Error("no WebSocket implementation available"));
    return new Promise((resolve, reject) => {
      const socket = new Socket(url);
      const timer = setTimeout(() => fail(`timed out after ${options.timeoutMs} ms`), options.timeoutMs ?? 10_000);
      let settled = false;
      const fail = (reason: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.close();
        reject(new Error(`cannot connect to ${url}: ${reason}`));
      };
      socket.addEventListener("error", (event) => fail(event.message ?? "socket error"));
      socket.addEventListener("close", (event) => fail(`closed (${event.code})`));
      socket.addEventListener("open", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(new WebSocketChannel(socket));
      });
    });
  }

  protected transmit(text: string): void {
    if (this.#socket.readyState === OPEN) this.#socket.send(text);
  }

  protected shutdown(reason: string): void {
    this.#socket.close(1000, reason.replace(/[^\x20-\x7e]/g, "?").slice(0, 100));
  }
}
