import { describe, expect, it } from "vitest";
import { paramsRead, unsetParams } from "./paramsRead.ts";

describe("paramsRead", () => {
  it("finds p.NAME and p['NAME'] for map's own name of the point", () => {
    const script = `local function helper(q) return q.window end
function map(series, point)
  local fast, slow = point.fast, point["slow"]
  local x = other.point.fast + point . spaced
  return { n = #series.close, t = point['th'] }
end`;
    expect(paramsRead(script)).toEqual(["fast", "slow", "spaced", "th"]);
  });

  it("finds nothing without a map(series, p) header", () => {
    expect(paramsRead("function reduce(values) return values end")).toEqual([]);
  });

  it("names what the grid leaves unset", () => {
    expect(unsetParams("function map(s, p) return p.fast + p.slow end", { fast: [5] })).toEqual(["slow"]);
    expect(unsetParams("function map(s, p) return p.fast end", { fast: [5] })).toEqual([]);
  });
});
