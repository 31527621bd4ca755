import { describe, expect, it } from "vitest";
import { planSlices } from "./planSlices.ts";
import type { Series } from "./Series.ts";
import { sliceSeries } from "./sliceSeries.ts";

const series: Series = {
  key: "K",
  time: new Float64Array([10, 20, 30, 40, 50, 60]),
  columns: { close: new Float64Array([1, 2, 3, 4, 5, 6]), volume: new Float64Array([7, 8, 9, 10, 11, 12]) },
};

describe("sliceSeries", () => {
  it("returns views from the halo start to the end with a 1-based first owned row", () => {
    const slice = sliceSeries(series, { haloStart: 1, start: 3, end: 5 });
    expect(slice).toEqual({
      key: "K",
      time: new Float64Array([20, 30, 40, 50]),
      columns: { close: new Float64Array([2, 3, 4, 5]), volume: new Float64Array([8, 9, 10, 11]) },
      first: 3,
    });
    expect(slice.time.buffer).toBe(series.time.buffer);
    expect(slice.columns.close?.buffer).toBe(series.columns.close?.buffer);
    expect(slice.time.byteOffset).toBe(8);
  });

  it("has first = 1 without a halo", () => {
    expect(sliceSeries(series, { haloStart: 2, start: 2, end: 6 }).first).toBe(1);
  });

  it("owns every row exactly once across planned slices", () => {
    const owned = planSlices(series.time, { kind: "rows", rows: 4 }, 3)
      .map((range) => sliceSeries(series, range))
      .flatMap((slice) => [...slice.time.subarray(slice.first - 1)]);
    expect(owned).toEqual([...series.time]);
  });

  it.each([
    { haloStart: -1, start: 0, end: 2 },
    { haloStart: 2, start: 1, end: 3 },
    { haloStart: 0, start: 2, end: 2 },
    { haloStart: 0, start: 0, end: 7 },
    { haloStart: 0, start: 0.5, end: 2 },
  ])("rejects the invalid range %j", (range) => {
    expect(() => sliceSeries(series, range)).toThrow(RangeError);
  });
});
