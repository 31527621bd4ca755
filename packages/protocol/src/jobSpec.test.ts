import { describe, expect, it } from "vitest";
import { expandGrid, gridSize, parseJobSpec } from "./jobSpec.ts";
import { LIMITS } from "./limits.ts";
import { durationText, parseDuration } from "./parseDuration.ts";

describe("parseJobSpec", () => {
  it("fills defaults", () => {
    const spec = parseJobSpec({ script: "function map() end" });
    expect(spec).toMatchObject({ engine: "fengari", params: {}, split: { kind: "none" }, halo: 0, batchSize: 16 });
    expect(spec.deadlineMs).toBeUndefined();
  });

  it("takes the budget off and a deadline per task", () => {
    expect(parseJobSpec({ script: "", engine: "wasmoon", budget: "off", deadlineMs: 2000 })).toMatchObject({ budget: "off", deadlineMs: 2000 });
  });

  it.each([
    [{}, /script/],
    [{ script: "x".repeat(LIMITS.scriptBytes + 1) }, /larger than/],
    [{ script: "", params: { "bad-name": [1] } }, /identifiers/],
    [{ script: "", params: { a: [] } }, /params\.a/],
    [{ script: "", params: { a: [Number.POSITIVE_INFINITY] } }, /params\.a/],
    [{ script: "", split: { kind: "rows", rows: 0 } }, /split\.rows/],
    [{ script: "", split: { kind: "weeks" } }, /split/],
    [{ script: "", halo: -1 }, /halo/],
    [{ script: "", batchSize: LIMITS.batchSize + 1 }, /batchSize/],
    [{ script: "", unknown: 1 }, /unrecognized|unknown/i],
    [{ script: "", engine: "luajit" }, /engine/],
    [{ script: 'return "\uD800"' }, /not valid Unicode \(it holds a lone surrogate\)/],
    [{ script: 'return "\uDC00\uD800"' }, /lone surrogate/],
    [{ script: "", budget: "on" }, /budget/],
    [{ script: "", budget: 10 }, /budget/],
    [{ script: "", deadlineMs: 50 }, /deadlineMs/],
    [{ script: "", deadlineMs: LIMITS.deadlineMs + 1 }, /deadlineMs/],
    [
      { script: "", params: { a: range(1000), b: range(1000) } },
      new RegExp(`more than ${LIMITS.paramPoints} points`),
    ],
  ])("rejects %#", (input, message) => {
    expect(() => parseJobSpec(input)).toThrow(message);
  });
});

describe("expandGrid", () => {
  it("varies the first parameter slowest", () => {
    const grid = { fast: [5, 10], slow: [50, 100, 200] };
    expect(gridSize(grid)).toBe(6);
    expect(expandGrid(grid)).toEqual([
      { fast: 5, slow: 50 },
      { fast: 5, slow: 100 },
      { fast: 5, slow: 200 },
      { fast: 10, slow: 50 },
      { fast: 10, slow: 100 },
      { fast: 10, slow: 200 },
    ]);
  });

  it("gives one empty point for an empty grid", () => {
    expect(expandGrid({})).toEqual([{}]);
  });
});

describe("parseDuration", () => {
  it.each([
    ["30d", 30 * 86_400_000],
    ["1w", 604_800_000],
    ["12h", 43_200_000],
    ["250ms", 250],
    ["1.5s", 1500],
  ])("parses %s", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "30", "3 months", "-1d", "0d", "1y"])("rejects %j", (text) => {
    expect(() => parseDuration(text)).toThrow(/bad duration/);
  });

  it.each([
    [604_800_000, "1w"],
    [365 * 86_400_000, "365d"],
    [43_200_000, "12h"],
    [120_000, "2m"],
    [90_000, "90s"],
    [1500, "1500ms"],
    [100, "100ms"],
  ])("writes %d ms as %s, which reads back the same", (ms, text) => {
    expect(durationText(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
