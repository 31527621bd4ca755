import { describe, expect, it } from "vitest";
import { escapeLogText, lineLogger } from "./Logger.ts";

describe("escapeLogText", () => {
  it.each([
    ["plain text", "job j1 submitted", "job j1 submitted"],
    ["a forged line", 'x\n2026-01-01T00:00:00.000Z info  job j9 submitted', "x\\n2026-01-01T00:00:00.000Z info  job j9 submitted"],
    ["a carriage return", "a\rb", "a\\rb"],
    ["a terminal escape", "\u001b[2J", "\\u001b[2J"],
    ["a Unicode line separator", "a\u2028b", "a\\u2028b"],
    ["a C1 control", "a\u0085b", "a\\u0085b"],
    ["quotes and backslashes, kept", 'say "hi" \\o/', 'say "hi" \\o/'],
  ])("%s", (_, input, expected) => {
    expect(escapeLogText(input)).toBe(expected);
  });
});

describe("lineLogger", () => {
  it("writes exactly one line per message, whatever the message holds", () => {
    const lines: string[] = [];
    const logger = lineLogger((line) => lines.push(line));
    logger.warn("peer p1: \n2026-01-01T00:00:00.000Z info  job forged submitted\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\S+ warn {2}peer p1: \\n.*forged submitted\\n\n$/);
    expect(lines[0]!.split("\n")).toHaveLength(2);
  });
});
