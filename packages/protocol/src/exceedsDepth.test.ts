import { describe, expect, it } from "vitest";
import { exceedsDepth } from "./exceedsDepth.ts";

const nested = (levels: number): unknown => JSON.parse("[".repeat(levels) + "]".repeat(levels));

describe("exceedsDepth", () => {
  it.each<[string, unknown, number, boolean]>([
    ["a number", 1, 0, false],
    ["an empty array at its limit", [], 1, false],
    ["an empty array past a limit of 0", [], 0, true],
    ["an object in an array at the limit", [{ a: 1 }], 2, false],
    ["an object in an array past the limit", [{ a: [] }], 2, true],
    ["the deepest branch, not the first", { a: 1, b: [[[]]] }, 3, true],
    ["64 levels under a limit of 64", nested(64), 64, false],
    ["65 levels under a limit of 64", nested(65), 64, true],
    ["a million levels", nested(1_000_000), 80, true],
  ])("%s", (_, value, limit, expected) => {
    expect(exceedsDepth(value, limit)).toBe(expected);
  });
});
