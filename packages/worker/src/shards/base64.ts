const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** Standard padded base64 of `bytes`, without Node's Buffer so it runs in browsers too. */
export function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let line = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    line +=
      ALPHABET[n >> 18]! +
      ALPHABET[(n >> 12) & 63]! +
      (b === undefined ? "=" : ALPHABET[(n >> 6) & 63]!) +
      (c === undefined ? "=" : ALPHABET[n & 63]!);
    if (line.length >= 4096) {
      parts.push(line);
      line = "";
    }
  }
  parts.push(line);
  return parts.join("");
}

/** Decodes padded base64; throws on any other character or a bad length. */
export function fromBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new SyntaxError("base64 length is not a multiple of 4");
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const n =
      (digit(text, i) << 18) |
      (digit(text, i + 1) << 12) |
      (last && padding === 2 ? 0 : digit(text, i + 2) << 6) |
      (last && padding >= 1 ? 0 : digit(text, i + 3));
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}

function digit(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const value = code < 128 ? VALUES[code]! : -1;
  if (value < 0) throw new SyntaxError(`bad base64 character at ${index}`);
  return value;
}
