import { describe, expect, it } from "vitest";
import { resultSummary } from "./resultSummary.ts";

describe("resultSummary", () => {
  it("keeps an object result's non-table parts", () => {
    expect(resultSummary({ best: { fast: 5, slow: 200 }, runs: [{ fast: 5 }], total: 3, empty: [] })).toEqual([
      ["best", '{"fast":5,"slow":200}'],
      ["total", "3"],
      ["empty", "[]"],
    ]);
  });

  it("has nothing to say about arrays and plain values", () => {
    expect(resultSummary([{ a: 1 }])).toEqual([]);
    expect(resultSummary(42)).toEqual([]);
    expect(resultSummary(null)).toEqual([]);
  });
});
