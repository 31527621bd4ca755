import { describe, expect, it } from "vitest";
import { compareResults } from "./compareResults.ts";

describe("compareResults", () => {
  it("calls results equal when their canonical JSON is, whatever the key order or last-bit float noise", () => {
    expect(compareResults({ b: [1, 0.1 + 0.2], a: "x" }, { a: "x", b: [1, 0.3] })).toEqual({ equal: true });
  });

  it.each([
    [{ runs: [{ sharpe: 1.5 }, { sharpe: 2 }] }, { runs: [{ sharpe: 1.5 }, { sharpe: 2.5 }] }, "$.runs[1].sharpe", "2", "2.5"],
    [[1, 2, 3], [1, 2], "$.length", "3", "2"],
    [{ a: 1 }, { a: 1, b: null }, "$.b", "absent", "null"],
    [{ "odd key": 1 }, { "odd key": 2 }, '$["odd key"]', "1", "2"],
    [{ a: [1] }, { a: { 1: 1 } }, "$.a", "[1]", '{"1":1}'],
    [1, "1", "$", "1", '"1"'],
  ])("finds the first difference between %j and %j at %s", (a, b, path, left, right) => {
    expect(compareResults(a, b)).toEqual({ equal: false, path, a: left, b: right });
  });

  it("cuts long differing values short", () => {
    const diff = compareResults({ s: "x".repeat(1000) }, { s: "y" });
    expect(diff.equal).toBe(false);
    if (!diff.equal) expect(diff.a.length).toBe(120);
  });
});
