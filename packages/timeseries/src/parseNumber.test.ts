import { describe, expect, it } from "vitest";
import { parseNumber } from "./parseNumber.ts";

const parse = (cell: string): number | undefined => parseNumber(cell, 0, cell.length);

describe("parseNumber", () => {
  it.each([
    ["0", 0], ["42", 42], ["-42", -42], ["+7", 7], ["1469.250000", 1469.25], ["0.1", 0.1], ["-0.3", -0.3],
    [".5", 0.5], ["5.", 5], ["1e3", 1000], ["1.5E-2", 0.015], ["-2e+2", -200], [" 12.5 ", 12.5],
    ["5792140000", 5792140000], ["123456789012345", 123456789012345],
    // eslint-disable-next-line no-loss-of-precision -- the literal must round exactly as the parser does
    ["1234567890123456789", 1234567890123456789], ["0.1234567890123456789", 0.1234567890123456789],
    ["000000000000000012.5", 12.5],
  ])("parses %j", (cell, expected) => {
    expect(parse(cell)).toBe(expected);
  });

  it("rounds every short decimal exactly like Number()", () => {
    for (let i = 0; i < 5000; i++) {
      const cell = (i * 7.919 - 50000).toFixed(i % 7);
      expect(parse(cell)).toBe(Number(cell));
    }
  });

  it("keeps negative zero", () => {
    expect(Object.is(parse("-0"), -0)).toBe(true);
  });

  it.each(["", "NA", "na", "NaN", "nan", "null", "NULL", "  "])("reads %j as missing (NaN)", (cell) => {
    expect(parse(cell)).toBeNaN();
  });

  it.each(["abc", "1,5", "1.2.3", "0x10", "Infinity", "-", "+", ".", "e5", "1e", "1 2", "$5", "5%", "N/A"])(
    "rejects %j",
    (cell) => {
      expect(parse(cell)).toBeUndefined();
    },
  );

  it("reads only the given range of a longer text", () => {
    expect(parseNumber("x,12.5,y", 2, 6)).toBe(12.5);
    expect(parseNumber("x,,-3", 2, 2)).toBeNaN();
  });
});
