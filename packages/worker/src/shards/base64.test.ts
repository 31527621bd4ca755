import { describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "./base64.ts";

describe("base64", () => {
  it.each([0, 1, 2, 3, 4, 5, 100, 65_536, 200_001])("round-trips %i bytes, encoding them as btoa does", (size) => {
    const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 7919 + (i >> 8)) & 0xff);
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    const text = toBase64(bytes);
    expect(text === btoa(binary)).toBe(true);
    const back = fromBase64(text);
    expect(back.length).toBe(size);
    expect(back.every((byte, i) => byte === bytes[i])).toBe(true);
  });

  it("matches the standard encoding", () => {
    expect(toBase64(new TextEncoder().encode("Many hands make light work."))).toBe("TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsu");
    expect(toBase64(Uint8Array.of(0xff, 0xfe))).toBe("//4=");
  });

  it.each(["abc", "ab!=", "a===", "€€€€"])("rejects %j", (text) => {
    expect(() => fromBase64(text)).toThrow(SyntaxError);
  });
});
