import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "../random/Xoshiro128.ts";
import { onExactSum, rollingExactSum } from "./rollingExactSum.ts";

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e300, -1e300, 1e-300, 5e-324, 0.1, 3];

/** Arrays mixing ordinary values with zeros of both signs, NaN, infinities and values far apart in magnitude. */
function arrays(count: number): Float64Array[] {
  const random = new Xoshiro128(7);
  const out: Float64Array[] = [Float64Array.of(-0), Float64Array.of(-0, -0, -0), Float64Array.of(NaN, -0, -0), Float64Array.of(-0, 1, -1, -0)];
  for (let k = 0; k < count; k++) {
    const special = k % 3;
    out.push(
      Float64Array.from({ length: 1 + Math.floor(random.nextFloat() * 12) }, () =>
        special > 0 && random.nextFloat() < 0.4 ? (SPECIAL[Math.floor(random.nextFloat() * SPECIAL.length)] as number) : Math.round((random.nextFloat() - 0.5) * 2000) / 8,
      ),
    );
  }
  return out;
}

describe("rollingExactSum", () => {
  it("gives, bit for bit, what an ExactSum kept over the window gives", () => {
    for (const a of arrays(600)) {
      for (let n = 1; n <= 5; n++) {
        for (const divisor of [1, n]) {
          const got = Array.from(rollingExactSum(a, n, divisor));
          const want = Array.from(onExactSum(a, n, divisor));
          got.forEach((x, i) => expect(Object.is(x, want[i]), `${Array.from(a).join(",")} n=${n} at ${i}: ${x} vs ${want[i]}`).toBe(true));
        }
      }
    }
  });

  it("keeps the sign of a zero sum as IEEE addition of the window would", () => {
    expect(Object.is(rollingExactSum(Float64Array.of(-0, -0), 2, 1)[1], -0)).toBe(true);
    expect(Object.is(rollingExactSum(Float64Array.of(1, -0, -0), 2, 1)[2], 0)).toBe(true);
  });
});
