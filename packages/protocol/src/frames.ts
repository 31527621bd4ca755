import { MESSAGE_LIMITS } from "./parseMessages.ts";
import { ProtocolError } from "./ProtocolError.ts";

/**
 * Longest text, in UTF-16 code units, sent as one data-channel message. At most 3 UTF-8 bytes
 * per code unit keeps every frame under 64 KiB on the wire, well inside what WebRTC data
 * channels deliver whole (about 256 KiB in Chromium and node-webrtc).
 */
export const FRAME_CHARS = 16 * 1024;

const HEADER = /^~(\d{1,7})\/(\d{1,7}):/;

/**
 * Splits an encoded message into data-channel frames. Text up to `frameChars` goes as it is
 * (a JSON message starts with `{`); longer text becomes frames `~index/count:` + a piece, cut so
 * that no surrogate pair is split. Send all frames of one message back to back on an ordered channel.
 */
export function frameMessage(text: string, frameChars: number = FRAME_CHARS): string[] {
  if (text.length <= frameChars) return [text];
  const pieces: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + frameChars);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces.map((piece, index) => `~${index}/${pieces.length}:${piece}`);
}

/**
 * Rebuilds messages from {@link frameMessage} frames arriving in order on one channel. Unframed
 * text passes straight through; frames out of order, mixed with other messages or adding up to
 * more than `maxChars` are a {@link ProtocolError}.
 */
export class Reassembler {
  readonly #maxChars: number;
  #pieces: string[] = [];
  #count = 0;
  #chars = 0;

  constructor(maxChars: number = MESSAGE_LIMITS.messageBytes) {
    this.#maxChars = maxChars;
  }

  /** Takes one data-channel message; returns a whole message once its last frame is in, else undefined. */
  push(data: string): string | undefined {
    const header = HEADER.exec(data);
    if (!header) {
      if (this.#count > 0) throw new ProtocolError(`message arrived inside frame ${this.#pieces.length} of ${this.#count}`);
      return data;
    }
    const index = Number(header[1]);
    const count = Number(header[2]);
    const expected = this.#pieces.length;
    if (index !== expected || count < 2 || (expected > 0 && count !== this.#count)) {
      throw new ProtocolError(`frame ${index}/${count} out of order (expected frame ${expected} of ${this.#count || "a new message"})`);
    }
    const piece = data.slice(header[0].length);
    this.#chars += piece.length;
    if (this.#chars > this.#maxChars) throw new ProtocolError(`framed message is larger than ${this.#maxChars} characters`);
    this.#count = count;
    this.#pieces.push(piece);
    if (this.#pieces.length < count) return undefined;
    const text = this.#pieces.join("");
    this.#pieces = [];
    this.#count = 0;
    this.#chars = 0;
    return text;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
