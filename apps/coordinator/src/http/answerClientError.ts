import type { Duplex } from "node:stream";

/** Longest request line plus headers the coordinator reads (Node's `maxHeaderSize`); more is a 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

const STATUS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: "431 Request Header Fields Too Large",
  ERR_HTTP_REQUEST_TIMEOUT: "408 Request Timeout",
};

/**
 * The server's `clientError` listener: a request Node could not parse gets a short answer
 * (431 for a request line or headers over {@link MAX_HEADER_BYTES}, 408 for a slow one, 400 for
 * anything else malformed) and the connection closes, instead of a silent reset.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = STATUS[error.code ?? ""] ?? "400 Bad Request";
  const body = `${status.slice(4)}\n`;
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`);
}
