import { describe, expect, it } from "vitest";
import { formatDate } from "../components/formatTime.ts";
import { resultSummary } from "./resultSummary.ts";

describe("resultSummary", () => {
  it("keeps an object result's non-table parts, in words rather than JSON", () => {
    expect(resultSummary({ best: { fast: 5, slow: 200, sharpe: 0.8312345678 }, runs: [{ fast: 5 }], total: 3, empty: [], tags: ["a", "b"] })).toEqual([
      ["best", "fast 5 · slow 200 · sharpe 0.831235"],
      ["total", "3"],
      ["empty", "none"],
      ["tags", "a, b"],
    ]);
  });

  it("shows timestamps in time-named keys as dates, and nests objects in parentheses", () => {
    const from = Date.UTC(2019, 0, 2);
    expect(resultSummary({ window: { from, params: { fast: 10 } }, flag: true, missing: null })).toEqual([
      ["window", `from ${formatDate(from)} · params (fast 10)`],
      ["flag", "true"],
      ["missing", "—"],
    ]);
  });

  it("says how long a long list is instead of spelling it out (a best run's equity curve)", () => {
    const curve = { time: Array.from({ length: 129 }, (_, i) => i), equity: Array.from({ length: 129 }, () => 1) };
    expect(resultSummary({ best: { fast: 5, sharpe: 0.5, equity: curve }, few: [1, 2, 3, 4, 5, 6, 7, 8] })).toEqual([
      ["best", "fast 5 · sharpe 0.5 · equity (time (129 values) · equity (129 values))"],
      ["few", "1, 2, 3, 4, 5, 6, 7, 8"],
    ]);
  });

  it("has nothing to say about arrays and plain values", () => {
    expect(resultSummary([{ a: 1 }])).toEqual([]);
    expect(resultSummary(42)).toEqual([]);
    expect(resultSummary(null)).toEqual([]);
  });
});
