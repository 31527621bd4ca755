import { describe, expect, it } from "vitest";
import { canonicalJson, sameResult } from "./canonicalJson.ts";

describe("canonicalJson", () => {
  it.each([
    [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
    [{ z: { y: 1, x: [3, { d: 1, c: 2 }] } }, '{"z":{"x":[3,{"c":2,"d":1}],"y":1}}'],
    [0.1 + 0.2, "0.3"],
    [-0, "0"],
    [1e21, "1e+21"],
    [9007199254740991, "9007199254740991"],
    [1.23456789012345e-7, "1.23456789012e-7"],
    [Number.NaN, "null"],
    ["é\"", '"é\\""'],
    [null, "null"],
    [true, "true"],
  ])("canonicalises %j", (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it("treats last-bit float differences as equal and real differences as different", () => {
    expect(sameResult({ s: Math.exp(1) }, { s: Math.exp(1) * (1 + 1e-15) })).toBe(true);
    expect(sameResult({ s: 1.0001 }, { s: 1.0002 })).toBe(false);
    expect(sameResult([1, 2], [2, 1])).toBe(false);
  });
});
