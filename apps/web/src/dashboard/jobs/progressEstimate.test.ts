import { describe, expect, it } from "vitest";
import { progressEstimate } from "./progressEstimate.ts";

describe("progressEstimate", () => {
  it("knows nothing before two samples, then gives the recent rate and the time left", () => {
    expect(progressEstimate([], 10, 0)).toEqual({ tasksPerSecond: undefined, etaMs: undefined });
    expect(progressEstimate([{ at: 1000, done: 0 }], 10, 1000)).toEqual({ tasksPerSecond: undefined, etaMs: undefined });
    const samples = [
      { at: 0, done: 0 },
      { at: 1000, done: 2 },
      { at: 2000, done: 4 },
    ];
    expect(progressEstimate(samples, 10, 2000)).toEqual({ tasksPerSecond: 2, etaMs: 3000 });
    expect(progressEstimate(samples, 10, 2500)).toEqual({ tasksPerSecond: 2, etaMs: 2500 });
  });

  it("follows the last 15 s, not the whole history, and says when it is done or stalled", () => {
    const samples = [
      { at: 0, done: 0 },
      { at: 20_000, done: 2 },
      { at: 30_000, done: 12 },
    ];
    expect(progressEstimate(samples, 22, 30_000)).toEqual({ tasksPerSecond: 1, etaMs: 10_000 });
    expect(progressEstimate([...samples, { at: 31_000, done: 22 }], 22, 31_000).etaMs).toBe(0);
    expect(progressEstimate([{ at: 0, done: 3 }, { at: 5000, done: 3 }], 10, 5000)).toEqual({ tasksPerSecond: 0, etaMs: undefined });
  });
});
