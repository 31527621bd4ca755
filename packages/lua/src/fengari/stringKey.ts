import type { TString } from "fengari";

/** Where the patched TString keeps its table-key string (see fengariPatches.ts). */
export const KEY = Symbol("shoal.stringKey");

type Keyed = TString & { [KEY]?: string | null };

/** Two hex digits for each byte from 16 up (the short form only takes those). */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16));

/**
 * The Map key fengari uses for a string in a table. fengari's own luaS_hash ("|" then
 * unpadded hex digits, appended one `+=` at a time) collides ("\1\0" and "\16" are both
 * "|10") and builds a rope of ~28 heap bytes per byte of key. We keep its format for short
 * strings whose bytes are all >= 16 (two hex digits each, so it is injective there, and
 * the lexer's table of reserved words still matches) and use "|!" plus one char per byte
 * for everything else; the two forms cannot meet since hex digits never include "!".
 */
export function stringKey(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= 32) {
    let key = "|";
    let i = 0;
    for (; i < n; i++) {
      const b = bytes[i]!;
      if (b < 16) break;
      key += HEX[b];
    }
    if (i === n) return key;
  }
  const parts = ["|!"];
  for (let i = 0; i < bytes.length; i += 8192) {
    parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]));
  }
  return parts.join("");
}

/** Length of the key already built for `ts`, or 0. */
export function cachedKeyLength(ts: TString): number {
  return (ts as Keyed)[KEY]?.length ?? 0;
}
