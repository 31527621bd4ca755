import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "../random/Xoshiro128.ts";
import { varianceOf } from "./ExactSum.ts";
import { exactMoments, levelSplits, onExactSums } from "./exactMoments.ts";

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e300, -1e300, 1e-300, 5e-324, 0.1, 3, 2 ** 400, 2 ** -400];

/** What ts.sum, ts.mean and ts.std round from the moments. */
function rounded(m: ReturnType<typeof exactMoments>): number[] {
  return [m.n, m.s1.value(), m.n === 0 ? NaN : m.s1.value() / m.n, Math.sqrt(varianceOf(m.n, m.s1, m.s2))];
}

function expectSame(a: Float64Array): void {
  const got = rounded(exactMoments(a, true));
  const want = rounded(onExactSums(a, true));
  got.forEach((x, i) => expect(Object.is(x, want[i]), `[${Array.from(a).join(",")}] #${i}: ${x} vs ${want[i]}`).toBe(true));
}

describe("exactMoments", () => {
  it("gives, bit for bit, what ExactSums of every value give, on mixed and special inputs", () => {
    const random = new Xoshiro128(11);
    const pick = () => SPECIAL[Math.floor(random.nextFloat() * SPECIAL.length)] as number;
    for (const a of [Float64Array.of(), Float64Array.of(-0), Float64Array.of(-0, -0, NaN), Float64Array.of(-0, 1, -1), Float64Array.of(1e16, 1, -1e16)]) expectSame(a);
    for (let k = 0; k < 1500; k++) {
      const special = k % 3;
      const scale = 2 ** Math.floor((random.nextFloat() - 0.5) * 120);
      const a = Float64Array.from({ length: 1 + Math.floor(random.nextFloat() * 40) }, () =>
        special > 0 && random.nextFloat() < 0.3 ? pick() : (random.nextFloat() - 0.5) * scale * (random.nextFloat() < 0.2 ? 2 ** -40 : 1),
      );
      expectSame(a);
    }
  });

  it("gives the same bits on long series of prices and of returns with zeros, as a backtest's are", () => {
    const random = new Xoshiro128(5);
    const prices = new Float64Array(200_000);
    let c = 100;
    for (let i = 0; i < prices.length; i++) prices[i] = c *= 1 + (random.nextFloat() - 0.5) * 0.02;
    const returns = prices.map((x, i) => (i === 0 ? NaN : random.nextFloat() < 0.5 ? 0 : x / (prices[i - 1] as number) - 1));
    expectSame(prices);
    expectSame(returns);
  });

  it("plans few splits for ordinary data, and declines what plain doubles cannot sum exactly", () => {
    // Returns of about 1% down to 1e-9 over a million values: a few split points, not an exact-sum partial list per value.
    expect(levelSplits(-6, -82, 1_000_000)?.length).toBe(2);
    expect(levelSplits(2 * -6 + 1, -164, 1_000_000)?.length).toBeLessThanOrEqual(5);
    expect(levelSplits(1000, -1074, 10)).toBeUndefined();
    expect(levelSplits(0, 0, 2 ** 52)).toBeUndefined();
  });
});
