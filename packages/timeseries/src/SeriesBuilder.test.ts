import { describe, expect, it } from "vitest";
import { SeriesBuilder } from "./SeriesBuilder.ts";

function build(times: readonly number[]) {
  const builder = new SeriesBuilder("k", 1);
  times.forEach((time, i) => builder.append(time, i + 2, new Float64Array([i])));
  return builder.build(["row"]);
}

describe("SeriesBuilder", () => {
  it.each([
    ["ascending", [1, 2, 3, 5, 8]],
    ["descending", [8, 5, 3, 2, 1]],
    ["shuffled", [3, 8, 1, 5, 2]],
  ])("orders %s rows by time and carries the columns along", (_name, times) => {
    const { series, duplicate } = build(times);
    expect(duplicate).toBeUndefined();
    expect([...series.time]).toEqual([1, 2, 3, 5, 8]);
    expect([...(series.columns.row ?? [])].map((i) => times[i])).toEqual([1, 2, 3, 5, 8]);
  });

  it("grows past its initial capacity", () => {
    const times = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    const { series } = build(times);
    expect([...series.time]).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(series.columns.row?.[0]).toBe(0);
    expect(series.columns.row).toHaveLength(5000);
  });

  it.each([
    ["in order", [1, 2, 2, 3], { line: 4, firstLine: 3 }],
    ["out of order", [5, 1, 3, 1, 5], { time: 1, line: 5, firstLine: 3 }],
    ["three times", [9, 4, 9, 9], { line: 4, firstLine: 2 }],
    ["non-increasing", [3, 3, 2], { line: 3, firstLine: 2 }],
  ])("reports the earliest duplicate %s", (_name, times, expected) => {
    expect(build(times).duplicate).toMatchObject(expected);
  });

  it("builds an empty series", () => {
    const { series } = new SeriesBuilder("k", 2).build(["a", "b"]);
    expect(series).toEqual({ key: "k", time: new Float64Array(0), columns: { a: new Float64Array(0), b: new Float64Array(0) } });
  });
});
