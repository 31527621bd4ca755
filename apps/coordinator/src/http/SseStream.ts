import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A Server-Sent Events response: named events with JSON data, keep-alive comments, and a close
 * signal. A HEAD request gets the headers and the end at once.
 */
export class SseStream {
  readonly #res: ServerResponse;
  readonly #keepAlive: ReturnType<typeof setInterval>;
  readonly #onClose = new Set<() => void>();
  #open = true;

  constructor(req: IncomingMessage, res: ServerResponse, keepAliveMs = 15_000) {
    this.#res = res;
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    });
    res.write(": shoal\n\n");
    this.#keepAlive = setInterval(() => this.#write(": keep-alive\n\n"), keepAliveMs);
    req.on("close", () => this.close());
    if (req.method === "HEAD") this.close();
  }

  get open(): boolean {
    return this.#open;
  }

  send(event: string, data: unknown): void {
    this.#write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  onClose(listener: () => void): void {
    if (this.#open) this.#onClose.add(listener);
    else listener();
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    clearInterval(this.#keepAlive);
    this.#res.end();
    for (const listener of this.#onClose) listener();
  }

  #write(text: string): void {
    if (this.#open) this.#res.write(text);
  }
}
