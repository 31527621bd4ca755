import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "../random/Xoshiro128.ts";
import { onExactSum } from "./rollingExactSum.ts";
import { splitWindowSum } from "./splitWindowSum.ts";

function expectSame(got: Float64Array, want: Float64Array, what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) expect.fail(`${what} at ${i}: ${got[i]} vs ${want[i]}`);
  }
}

/** A multiplicative random walk, full-mantissa prices like bench/lua's, drifting by `step` a bar. */
function walk(random: Xoshiro128, length: number, start: number, step: number): Float64Array {
  let c = start;
  return Float64Array.from({ length }, () => (c *= 1 + (random.nextFloat() - 0.5) * step));
}

describe("splitWindowSum", () => {
  it("takes price-like data and gives, bit for bit, the correctly rounded window sums", () => {
    const random = new Xoshiro128(11);
    for (const [start, step] of [[100, 0.02], [1e-3, 0.05], [3e7, 0.05], [1, 0.1]] as const) {
      const a = walk(random, 3000, start, step);
      for (const n of [1, 2, 3, 10, 50, 200, 2999, 3000, 5000]) {
        for (const divisor of [1, n]) {
          const got = splitWindowSum(a, n, divisor);
          expect(got, `start ${start}, n ${n}`).toBeDefined();
          expectSame(got as Float64Array, onExactSum(a, n, divisor), `start ${start}, n ${n}, ÷${divisor}`);
        }
      }
    }
  });

  it("takes mixed signs, cancelling windows, zeros of both signs, NaN and infinities", () => {
    const random = new Xoshiro128(5);
    const special = [0, -0, NaN, Infinity, -Infinity];
    for (let k = 0; k < 300; k++) {
      const a = Float64Array.from({ length: 1 + Math.floor(random.nextFloat() * 40) }, () => {
        const r = random.nextFloat();
        if (r < 0.15) return special[Math.floor(random.nextFloat() * special.length)] as number;
        if (r < 0.3) return 0.1 * (random.nextFloat() < 0.5 ? -1 : 1); // windows that cancel to 0 exactly
        return (random.nextFloat() - 0.5) * 2 ** Math.floor(random.nextFloat() * 20 - 10);
      });
      for (const n of [1, 2, 3, 7, 40]) {
        const got = splitWindowSum(a, n, n);
        expect(got).toBeDefined();
        expectSame(got as Float64Array, onExactSum(a, n, n), `${Array.from(a).join(",")} n=${n}`);
      }
    }
  });

  it("refuses values too far apart in magnitude for two doubles, or too large to split", () => {
    expect(splitWindowSum(Float64Array.of(1e300, 1e-300, 1), 2, 1)).toBeUndefined();
    expect(splitWindowSum(Float64Array.of(1, 2 ** -80, 3), 2, 1)).toBeUndefined();
    expect(splitWindowSum(Float64Array.of(1.5e308, 1), 2, 1)).toBeUndefined();
  });

  it("still takes values 2^40 apart, and subnormals (the pass a refusal falls back to costs 10× more)", () => {
    const tiny = Float64Array.of(5e-324, 1e-310, -3e-320, 2e-323);
    expectSame(splitWindowSum(tiny, 2, 1) as Float64Array, onExactSum(tiny, 2, 1), "subnormals");
    const a = Float64Array.of(1 + 2 ** -52, 2 ** 40 + 1, -(2 ** 40), 3, 0.75);
    const got = splitWindowSum(a, 2, 1);
    expect(got).toBeDefined();
    expectSame(got as Float64Array, onExactSum(a, 2, 1), "2^40 apart");
  });

  it("gives an all-zero or empty series the sums IEEE addition would", () => {
    expectSame(splitWindowSum(Float64Array.of(-0, -0, 0, -0), 2, 1) as Float64Array, onExactSum(Float64Array.of(-0, -0, 0, -0), 2, 1), "zeros");
    expect(splitWindowSum(new Float64Array(0), 3, 1)).toEqual(new Float64Array(0));
  });
});
