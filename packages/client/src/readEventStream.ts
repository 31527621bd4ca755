/** One Server-Sent Event: its name (default "message") and data lines joined with newlines. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/**
 * Parses a `text/event-stream` body into events as they arrive (the WHATWG format: `event:` and
 * `data:` fields, blank line ends an event, `:` lines are comments, CR/LF/CRLF line ends).
 */
export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let end: number;
      while ((end = lineEnd(buffer, done)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(buffer[end] === "\r" && buffer[end + 1] === "\n" ? end + 2 : end + 1);
        if (line === "") {
          if (data.length > 0) yield { event: event || "message", data: data.join("\n") };
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}

/** Index of the next line end; a lone CR at the end of the buffer may be half of a CRLF, so wait unless the stream is done. */
function lineEnd(buffer: string, done: boolean): number {
  const cr = buffer.indexOf("\r");
  const lf = buffer.indexOf("\n");
  if (cr < 0) return lf;
  if (lf >= 0 && lf < cr) return lf;
  if (cr === buffer.length - 1 && !done) return -1;
  return cr;
}
