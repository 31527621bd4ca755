import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration } from "./format.ts";

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [40, "0.0 s"],
    [250, "0.3 s"],
    [9_949, "9.9 s"],
    [9_950, "10 s"],
    [59_400, "59 s"],
    [83_000, "1 min 23 s"],
    [3_600_000 + 5 * 60_000, "1 h 5 min"],
  ])("writes %d ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("formatBytes", () => {
  it.each([
    [512, "512 B"],
    [1536, "1.5 KiB"],
    [5 * 1024 * 1024, "5.0 MiB"],
  ])("writes %d bytes as %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
