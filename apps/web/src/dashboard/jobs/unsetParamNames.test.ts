import { describe, expect, it } from "vitest";
import { unsetParamNames, unsetParamsText } from "./unsetParamNames.ts";

const SCRIPT = 'function map(series, p)\n  return { f = p.fast, s = p["slow"], w = p.window }\nend';

describe("unsetParamNames", () => {
  it.each([
    ["fast=5,10\nslow=50", ["window"]],
    ["fast=5\nslow=50\nwindow=3", []],
    ["", ["fast", "slow", "window"]],
    ["fast 5", []],
  ])("with parameters %j names %j", (params, names) => {
    expect(unsetParamNames(SCRIPT, params)).toEqual(names);
  });

  it("finds nothing in a script without map, or one that reads no parameters", () => {
    expect(unsetParamNames("return 1", "")).toEqual([]);
    expect(unsetParamNames("function map(s, p) return 1 end", "")).toEqual([]);
  });

  it("is not fooled by a parameter named like an Object prototype key", () => {
    expect(unsetParamNames("function map(s, p) return p.constructor end", "")).toEqual(["constructor"]);
  });

  it("says which names are nil and how to set one", () => {
    expect(unsetParamsText(["window"])).toBe("The script reads p.window, but it has no values in Parameters, so it is nil. Add a line such as window=1,2.");
    expect(unsetParamsText(["a", "b"])).toBe("The script reads p.a, p.b, but they have no values in Parameters, so they are nil. Add a line such as a=1,2.");
  });
});
