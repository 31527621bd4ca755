import { describe, expect, it } from "vitest";
import { Histogram, quantileOf } from "./Histogram.ts";

describe("Histogram", () => {
  it("counts values into cumulative buckets with a sum and a count", () => {
    const h = new Histogram([1, 10, 100]);
    for (const v of [0.5, 1, 2, 50, 5000]) h.observe(v);
    expect(h.cumulative()).toEqual([["1", 2], ["10", 3], ["100", 4], ["+Inf", 5]]);
    expect(h.count).toBe(5);
    expect(h.sum).toBe(5053.5);
  });

  it("interpolates quantiles inside a bucket, as histogram_quantile does", () => {
    const h = new Histogram([10, 20]);
    for (let i = 0; i < 100; i++) h.observe(i < 50 ? 5 : 15);
    expect(h.quantile(0.5)).toBe(10);
    expect(h.quantile(0.75)).toBe(15);
    expect(h.quantile(1)).toBe(20);
    expect(new Histogram().quantile(0.5)).toBeNaN();
  });

  it("reports values past the last bound as that bound", () => {
    expect(quantileOf([["1", 0], ["+Inf", 4]], 0.99)).toBe(1);
  });
});
