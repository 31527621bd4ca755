import { describe, expect, it } from "vitest";
import { parseJobForm, splitText } from "./parseJobForm.ts";

describe("parseJobForm", () => {
  it.each([
    [{ params: "fast=5, 10\n\nslow=50\nname=a,b", split: "rows=500", halo: "250" }, { ok: true, params: { fast: [5, 10], slow: [50], name: ["a", "b"] }, split: { kind: "rows", rows: 500 }, halo: 250 }],
    [{ params: "", split: "window=365d", halo: "" }, { ok: true, params: {}, split: { kind: "window", ms: 365 * 86_400_000 }, halo: 0 }],
    [{ params: "", split: "none", halo: "0" }, { ok: true, params: {}, split: { kind: "none" }, halo: 0 }],
  ])("parses %j", (form, expected) => {
    expect(parseJobForm(form)).toEqual(expected);
  });

  it.each([
    [{ params: "fast", split: "", halo: "" }, /line 1: expected NAME=V1/],
    [{ params: "x=1\n2x=3", split: "", halo: "" }, /line 2: "2x" is not a Lua identifier/],
    [{ params: "a=1\na=2", split: "", halo: "" }, /a is given twice/],
    [{ params: "", split: "rows=0", halo: "" }, /rows=0: expected a whole number/],
    [{ params: "", split: "window=1y", halo: "" }, /bad duration/],
    [{ params: "", split: "chunks=3", halo: "" }, /expected none, rows=N or window=DURATION/],
    [{ params: "", split: "", halo: "-1" }, /halo "-1"/],
  ])("refuses %j", (form, message) => {
    const parsed = parseJobForm(form);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(message);
  });

  it("writes a split back as form text", () => {
    expect(splitText({ kind: "rows", rows: 500 })).toBe("rows=500");
    expect(splitText({ kind: "window", ms: 365 * 86_400_000 })).toBe("window=365d");
    expect(splitText({ kind: "window", ms: 1500 })).toBe("window=1500ms");
    expect(splitText({ kind: "none" })).toBe("none");
  });
});
