import { describe, expect, it } from "vitest";
import { planSlices, type SliceRange, type Split } from "./planSlices.ts";

const HOUR = 3_600_000;
const times = (...values: number[]): Float64Array => new Float64Array(values);

/** Owned ranges must tile [0, n) in order with no gap or overlap, each with the right halo. */
function expectPartition(ranges: readonly SliceRange[], n: number, halo: number): void {
  let next = 0;
  for (const { haloStart, start, end } of ranges) {
    expect(start).toBe(next);
    expect(end).toBeGreaterThan(start);
    expect(haloStart).toBe(Math.max(0, start - halo));
    next = end;
  }
  expect(next).toBe(n);
}

describe("planSlices", () => {
  it("keeps a whole series as one slice", () => {
    expect(planSlices(times(1, 2, 3), { kind: "none" }, 50)).toEqual([{ haloStart: 0, start: 0, end: 3 }]);
  });

  it("cuts every N rows with halos", () => {
    expect(planSlices(times(1, 2, 3, 4, 5, 6, 7), { kind: "rows", rows: 3 }, 2)).toEqual([
      { haloStart: 0, start: 0, end: 3 },
      { haloStart: 1, start: 3, end: 6 },
      { haloStart: 4, start: 6, end: 7 },
    ]);
  });

  it("clamps halos larger than the preceding rows", () => {
    expect(planSlices(times(1, 2, 3, 4), { kind: "rows", rows: 2 }, 10).map((r) => r.haloStart)).toEqual([0, 0]);
  });

  it("groups rows by epoch-aligned windows and skips empty windows", () => {
    const t = times(0, HOUR - 1, HOUR, 1.5 * HOUR, 5 * HOUR, 5 * HOUR + 1, 7 * HOUR);
    expect(planSlices(t, { kind: "window", ms: HOUR }, 1)).toEqual([
      { haloStart: 0, start: 0, end: 2 },
      { haloStart: 1, start: 2, end: 4 },
      { haloStart: 3, start: 4, end: 6 },
      { haloStart: 5, start: 6, end: 7 },
    ]);
  });

  it("aligns windows to the epoch, including before 1970", () => {
    const day = 86_400_000;
    const t = times(-day - 1, -day, -1, 0, day - 1, day);
    expect(planSlices(t, { kind: "window", ms: day }, 0).map((r) => [r.start, r.end])).toEqual([
      [0, 1], [1, 3], [3, 5], [5, 6],
    ]);
  });

  it.each<Split>([{ kind: "none" }, { kind: "rows", rows: 3 }, { kind: "window", ms: 10 }])(
    "gives no slices for an empty series (%j)",
    (split) => {
      expect(planSlices(times(), split, 5)).toEqual([]);
    },
  );

  it("partitions random series exactly", () => {
    let seed = 3;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 100; trial++) {
      const n = Math.floor(next() * 200);
      let t = Math.floor(next() * 1e6) - 5e5;
      const time = Float64Array.from({ length: n }, () => (t += 1 + Math.floor(next() * 100)));
      const halo = Math.floor(next() * 30);
      const rows = 1 + Math.floor(next() * 40);
      const ms = 1 + Math.floor(next() * 500);
      expectPartition(planSlices(time, { kind: "none" }, halo), n, halo);
      expectPartition(planSlices(time, { kind: "rows", rows }, halo), n, halo);
      const windows = planSlices(time, { kind: "window", ms }, halo);
      expectPartition(windows, n, halo);
      for (const { start, end } of windows) {
        const w = Math.floor(time[start]! / ms);
        for (let i = start; i < end; i++) expect(Math.floor(time[i]! / ms)).toBe(w);
        if (end < n) expect(Math.floor(time[end]! / ms)).not.toBe(w);
      }
    }
  });

  it.each<[string, Split, number, string]>([
    ["fractional rows", { kind: "rows", rows: 1.5 }, 0, "split rows must be an integer ≥ 1, got 1.5"],
    ["zero rows", { kind: "rows", rows: 0 }, 0, "split rows must be an integer ≥ 1, got 0"],
    ["zero window", { kind: "window", ms: 0 }, 0, "split window must be a finite number of ms > 0, got 0"],
    ["NaN window", { kind: "window", ms: NaN }, 0, "got NaN"],
    ["infinite window", { kind: "window", ms: Infinity }, 0, "got Infinity"],
    ["negative halo", { kind: "none" }, -1, "halo must be an integer ≥ 0, got -1"],
    ["fractional halo", { kind: "none" }, 0.5, "halo must be an integer ≥ 0, got 0.5"],
    ["unknown kind", { kind: "weeks" } as unknown as Split, 0, `unknown split kind "weeks"`],
  ])("rejects %s", (_name, split, halo, message) => {
    expect(() => planSlices(times(1, 2), split, halo)).toThrow(RangeError);
    expect(() => planSlices(times(1, 2), split, halo)).toThrow(message);
  });

  it("validates arguments even for an empty series", () => {
    expect(() => planSlices(times(), { kind: "rows", rows: 0 }, 0)).toThrow(RangeError);
  });
});
