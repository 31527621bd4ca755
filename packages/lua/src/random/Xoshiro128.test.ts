import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "./Xoshiro128.ts";

const draw = (seed: number, n = 8) => {
  const rng = new Xoshiro128(seed);
  return Array.from({ length: n }, () => rng.nextUint32());
};

describe("Xoshiro128", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(2 ** 40)).not.toEqual(draw(2 ** 40 + 1));
    expect(draw(0.5)).not.toEqual(draw(0));
    expect(draw(-0)).toEqual(draw(0));
  });

  it("restarts on seed()", () => {
    const rng = new Xoshiro128(9);
    const first = [rng.nextFloat(), rng.nextFloat()];
    rng.seed(9);
    expect([rng.nextFloat(), rng.nextFloat()]).toEqual(first);
  });

  it("draws floats in [0, 1) that look uniform", () => {
    const rng = new Xoshiro128(123);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = rng.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
      buckets[Math.floor(x * 10)]!++;
    }
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });
});
