import { describe, expect, it } from "vitest";
import { budgetText, parseBudget, parseJobForm, splitText } from "./parseJobForm.ts";

/** A form as it opens: nothing but defaults. */
const blank = { params: "", split: "none", halo: "0", batchSize: "16", engine: "fengari", budget: "1e9", seed: "0", deadline: "" };
const defaults = { batchSize: 16, engine: "fengari", budget: 1e9, seed: 0 };

describe("parseJobForm", () => {
  it.each([
    [{ params: "fast=5, 10\n\nslow=50\nname=a,b", split: "rows=500", halo: "250" }, { params: { fast: [5, 10], slow: [50], name: ["a", "b"] }, split: { kind: "rows", rows: 500 }, halo: 250 }],
    [{ split: "window=365d", halo: "" }, { params: {}, split: { kind: "window", ms: 365 * 86_400_000 }, halo: 0 }],
    [{}, { params: {}, split: { kind: "none" }, halo: 0 }],
    [{ engine: "wasmoon", budget: "off", batchSize: "1" }, { params: {}, split: { kind: "none" }, halo: 0, engine: "wasmoon", budget: "off", batchSize: 1 }],
    [{ budget: " 2_000_000 ", batchSize: " 1000" }, { params: {}, split: { kind: "none" }, halo: 0, budget: 2_000_000, batchSize: 1000 }],
    [{ budget: "", batchSize: "" }, { params: {}, split: { kind: "none" }, halo: 0 }],
    [{ seed: " 42 ", deadline: "2m" }, { params: {}, split: { kind: "none" }, halo: 0, seed: 42, deadlineMs: 120_000 }],
    [{ seed: "", deadline: " 1h " }, { params: {}, split: { kind: "none" }, halo: 0, deadlineMs: 3_600_000 }],
    [{ seed: "4294967295", deadline: "100ms" }, { params: {}, split: { kind: "none" }, halo: 0, seed: 4294967295, deadlineMs: 100 }],
  ])("parses %j", (form, expected) => {
    expect(parseJobForm({ ...blank, ...form })).toEqual({ ok: true, ...defaults, ...expected });
  });

  it.each([
    [{ params: "fast" }, /line 1: expected NAME=V1/],
    [{ params: "x=1\n2x=3" }, /line 2: "2x" is not a Lua identifier/],
    [{ params: "a=1\na=2" }, /a is given twice/],
    [{ params: `a=${Array.from({ length: 400 }, (_, i) => i).join(",")}\nb=${Array.from({ length: 300 }, (_, i) => i).join(",")}` }, /120000 points, more than the 100000/],
    [{ split: "rows=0" }, /rows=0: expected a whole number/],
    [{ split: "window=1y" }, /bad duration/],
    [{ split: "chunks=3" }, /expected none, rows=N or window=DURATION/],
    [{ halo: "-1" }, /halo "-1"/],
    [{ batchSize: "0" }, /batch size "0": expected a whole number of points from 1 to 1000/],
    [{ batchSize: "2.5" }, /batch size "2.5"/],
    [{ batchSize: "1001" }, /batch size "1001"/],
    [{ engine: "luajit" }, /engine "luajit": expected fengari or wasmoon/],
    [{ budget: "999" }, /budget "999": expected a whole number of instructions from 1000 to 1e12, or off/],
    [{ budget: "2e12" }, /budget "2e12"/],
    [{ budget: "1.5e3x" }, /budget "1.5e3x"/],
    [{ budget: "1000.5" }, /budget "1000.5"/],
    [{ budget: "none" }, /budget "none"/],
    [{ seed: "-1" }, /seed "-1": expected a whole number from 0 to 4294967295/],
    [{ seed: "4294967296" }, /seed "4294967296"/],
    [{ seed: "1.5" }, /seed "1.5"/],
    [{ deadline: "10" }, /deadline "10": expected a duration from 100ms to 1h, e.g. 2m/],
    [{ deadline: "50ms" }, /deadline "50ms"/],
    [{ deadline: "2h" }, /deadline "2h"/],
    [{ deadline: "0.5ms" }, /deadline "0.5ms"/],
  ])("refuses %j", (form, message) => {
    const parsed = parseJobForm({ ...blank, ...form });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(message);
  });

  it("writes a split back as form text", () => {
    expect(splitText({ kind: "rows", rows: 500 })).toBe("rows=500");
    expect(splitText({ kind: "window", ms: 365 * 86_400_000 })).toBe("window=365d");
    expect(splitText({ kind: "window", ms: 1500 })).toBe("window=1500ms");
    expect(splitText({ kind: "none" })).toBe("none");
  });

  it.each([[1e9, "1e9"], [2.5e9, "2.5e9"], [1e12, "1e12"], [123_456_789, "123456789"], [5000, "5000"], ["off", "off"]] as const)(
    "writes budget %j back as %j, which reads the same",
    (budget, text) => {
      expect(budgetText(budget)).toBe(text);
      expect(parseBudget(text)).toEqual({ ok: true, budget });
    },
  );
});
