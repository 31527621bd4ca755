/**
 * Joins a task's `print` lines (one per line, as volunteers report them) into text of at most
 * `maxBytes` UTF-8 bytes, cut on a character boundary, and says whether anything was cut.
 */
export function capLog(lines: readonly string[], maxBytes: number): { log: string; truncated: boolean } {
  const encoder = new TextEncoder();
  let log = "";
  let bytes = 0;
  for (const line of lines) {
    const piece = `${line}\n`;
    const size = encoder.encode(piece).byteLength;
    if (bytes + size <= maxBytes) {
      log += piece;
      bytes += size;
      continue;
    }
    const room = new Uint8Array(maxBytes - bytes);
    const { read } = encoder.encodeInto(piece, room);
    return { log: log + piece.slice(0, read), truncated: true };
  }
  return { log, truncated: false };
}
