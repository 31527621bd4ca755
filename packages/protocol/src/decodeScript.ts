const strict = new TextDecoder("utf-8", { fatal: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a script given as text cannot reach Lua as the bytes its author wrote: a lone surrogate has no UTF-8 form (engines would get U+FFFD's). */
export const LONE_SURROGATE_PROBLEM = "script is not valid Unicode (it holds a lone surrogate)";

/** True when `s` holds a UTF-16 surrogate without its pair. */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/** Byte offset of the first byte that does not begin a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return i;
    const second = bytes[i + 1]!;
    // Overlong forms, surrogates and code points past 10FFFF are refused by their second byte.
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (n > 1 && (second < lo || second > hi)) return i;
    for (let k = 2; k < n; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += n;
  }
  return -1;
}

/**
 * A job script's text from its file's bytes. A script is bytes to Lua, and a string
 * literal may hold any byte; read as UTF-8 with replacement, such bytes would silently
 * become U+FFFD (three other bytes) on every engine. Refuses them instead, naming the byte.
 */
export function decodeScript(bytes: Uint8Array, name: string): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const hex = bytes[bad]!.toString(16).toUpperCase().padStart(2, "0");
    throw new Error(`${name} is not valid UTF-8 at byte ${bad + 1} (0x${hex}); write such bytes as \\xNN escapes in Lua strings`);
  }
  return strict.decode(bytes);
}
