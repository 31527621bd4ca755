import type { TString } from "fengari";

/** Where the patched TString keeps its table-key string (see fengariPatches.ts). */
export const KEY = Symbol("shoal.stringKey");

type Keyed = TString & { [KEY]?: string | null };

/** Bytes written as two hex digits at the head of a key; the rest go one char per byte. */
const HEX_HEAD = 32;

/** Two hex digits for each byte, zero-padded so that their order is the bytes' order. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/**
 * The Map key fengari uses for a string in a table, and the one its `l_strcmp` orders
 * strings by (`<`, `<=`, table.sort), so it must be injective and sort as the bytes do
 * (Lua's strcoll in the C locale). fengari's own luaS_hash ("|" then unpadded hex, one
 * `+=` at a time) collides ("\1\0" and "\16" are both "|10"), misorders bytes below 16
 * and builds a rope of ~28 heap bytes per byte. We write "|", the first 32 bytes as two
 * padded hex digits each (fengari's form for bytes >= 16, so the lexer's table of reserved
 * words still matches), then any further bytes one char each. Every key compares as its
 * bytes do: two keys agree in form up to the first byte where their strings differ, and a
 * string that is a prefix of another has a key that is a prefix of the other's.
 */
export function stringKey(bytes: Uint8Array): string {
  const n = bytes.length;
  const head = n < HEX_HEAD ? n : HEX_HEAD;
  let key = "|";
  for (let i = 0; i < head; i++) key += HEX[bytes[i]!];
  if (n === head) return key;
  const parts = [key];
  for (let i = head; i < n; i += 8192) {
    parts.push(String.fromCharCode.apply(null, bytes.subarray(i, Math.min(n, i + 8192)) as unknown as number[]));
  }
  return parts.join("");
}

/** Length of the key already built for `ts`, or 0. */
export function cachedKeyLength(ts: TString): number {
  return (ts as Keyed)[KEY]?.length ?? 0;
}
