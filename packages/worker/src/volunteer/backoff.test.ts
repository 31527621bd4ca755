import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.ts";

describe("backoffDelay", () => {
  const options = { initialMs: 250, maxMs: 10_000 };

  it("doubles from the initial delay up to the cap", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((attempt) => backoffDelay(attempt, options, () => 1))).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it("jitters between half and all of it, so reconnecting peers spread out", () => {
    expect(backoffDelay(3, options, () => 0)).toBe(1000);
    expect(backoffDelay(3, options, () => 0.5)).toBe(1500);
  });
});
