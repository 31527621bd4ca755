import { describe, expect, it } from "vitest";
import { decodeScript, firstInvalidUtf8 } from "./decodeScript.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe("decodeScript", () => {
  it.each([
    ["ASCII", bytes(...ascii("return 1"))],
    ["nothing", bytes()],
    ["é (2 bytes)", bytes(0xc3, 0xa9)],
    ["€ (3 bytes)", bytes(0xe2, 0x82, 0xac)],
    ["U+FFFD itself", bytes(0xef, 0xbf, 0xbd)],
    ["U+10FFFF (4 bytes)", bytes(0xf4, 0x8f, 0xbf, 0xbf)],
    ["an emoji among ASCII", bytes(0x61, 0xf0, 0x9f, 0x98, 0x80, 0x62)],
  ])("reads %s exactly as a strict UTF-8 decoder does", (_name, input) => {
    expect(firstInvalidUtf8(input)).toBe(-1);
    expect(decodeScript(input, "job.lua")).toBe(new TextDecoder("utf-8", { fatal: true }).decode(input));
  });

  it.each([
    ["a Latin-1 byte before ASCII (\"\\xE1b\" written raw)", bytes(0x22, 0xe1, 0x62, 0x22), 2],
    ["a lone continuation byte", bytes(0x61, 0x80), 2],
    ["an overlong NUL", bytes(0xc0, 0x80), 1],
    ["an overlong 3-byte form", bytes(0xe0, 0x80, 0xaf), 1],
    ["a UTF-16 surrogate", bytes(0x61, 0x62, 0xed, 0xa0, 0x80), 3],
    ["a code point past U+10FFFF", bytes(0xf4, 0x90, 0x80, 0x80), 1],
    ["a byte no UTF-8 uses", bytes(0xff), 1],
    ["a sequence cut off at the end", bytes(0x61, 0xe2, 0x82), 2],
    ["a bad third byte", bytes(0xe2, 0x82, 0x41), 1],
  ])("refuses %s, naming the byte", (_name, input, at) => {
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(input)).toThrow();
    expect(firstInvalidUtf8(input)).toBe(at - 1);
    expect(() => decodeScript(input, "job.lua")).toThrow(new RegExp(`^job\\.lua is not valid UTF-8 at byte ${at} \\(0x[0-9A-F]{2}\\); write such bytes as \\\\xNN escapes in Lua strings$`));
  });
});
