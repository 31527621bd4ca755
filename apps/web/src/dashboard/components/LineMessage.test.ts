import { describe, expect, it } from "vitest";
import { namesLine } from "./LineMessage.tsx";

describe("namesLine", () => {
  it.each([
    ["job.lua:24: boom", 24, true],
    ["line 3: column 7: unexpected symbol", 3, true],
    ["Line 12 has 3 fields, expected 6", 12, true],
    ["job.lua:24: boom", 2, false],
    ["bad number in column close", 4, false],
    ["job.lua:240: boom", 24, false],
  ])("%j names line %d: %s", (message, line, expected) => {
    expect(namesLine(message, line)).toBe(expected);
  });
});
