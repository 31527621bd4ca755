import { describe, expect, it } from "vitest";
import { ExactSum, growProduct, roundPartials } from "../ts/ExactSum.ts";
import * as q from "./indicators.ts";
import { rollingMoments, rollingSum, rollingWeightedSum } from "./rollingExact.ts";

function walk(n: number, seed: number, scale = 100): Float64Array {
  const out = new Float64Array(n);
  let x = seed;
  let c = scale;
  for (let i = 0; i < n; i++) {
    x = (x * 16807) % 2147483647;
    c *= 1 + (x / 2147483647 - 0.5) * 0.02;
    out[i] = c;
  }
  return out;
}

/** Values spanning 600 binary orders, which no double-double can sum exactly. */
function wild(n: number): Float64Array {
  const a = walk(n, 3);
  for (let i = 0; i < n; i += 7) a[i] = a[i]! * 2 ** (((i * 37) % 600) - 300);
  return a;
}

const bits = (a: Float64Array) => Array.from(a, (x) => (Number.isNaN(x) ? "NaN" : Object.is(x, -0) ? "-0" : x.toString()));

const kernels: Record<string, (a: Float64Array, n: number) => Float64Array> = {
  sum: rollingSum,
  weighted: rollingWeightedSum,
  centred: (a, n) => rollingMoments(a, n).centred,
  sma: q.sma,
  wma: q.wma,
  stdev: q.stdev,
  zscore: q.zscore,
  upper: (a, n) => q.bbands(a, n, 2).upper,
};

describe("rolling windows depend only on the window's values, bit for bit", () => {
  for (const [name, f] of Object.entries(kernels)) {
    for (const [label, data] of [
      ["a random walk", walk(3000, 1)],
      ["values spanning 600 binary orders (slow path)", wild(600)],
      ["NaN and infinities", Float64Array.from(walk(400, 5), (x, i) => (i % 97 === 3 ? NaN : i % 131 === 7 ? -Infinity : x))],
    ] as const) {
      it(`${name} on ${label}`, () => {
        const n = 20;
        const whole = f(data, n);
        for (const start of [1, 13, 250, data.length - n - 3]) {
          const part = f(data.subarray(start), n);
          expect(bits(part.subarray(n - 1))).toEqual(bits(whole.subarray(start + n - 1)));
        }
      });
    }
  }
});

describe("rolling sums equal the exact sums of their windows", () => {
  it("for sums and weighted sums, on both paths", () => {
    for (const a of [walk(500, 9), wild(500)]) {
      const n = 17;
      const s = rollingSum(a, n);
      const w = rollingWeightedSum(a, n);
      for (let i = n - 1; i < a.length; i++) {
        const exact = new ExactSum();
        const weighted: number[] = [];
        for (let k = 0; k < n; k++) {
          exact.add(a[i - n + 1 + k]!);
          growProduct(weighted, k + 1, a[i - n + 1 + k]!);
        }
        expect(s[i]).toBe(exact.value());
        expect(w[i]).toBe(roundPartials(weighted));
      }
    }
  });

  it("n·Σx² − (Σx)² is accurate where naive formulas cancel", () => {
    const a = Float64Array.from({ length: 50 }, (_, i) => 1e8 + (i % 2)); // variance 0.25 on a mean of 1e8
    const sd = q.stdev(a, 10, 0);
    for (let i = 9; i < 50; i++) expect(sd[i]).toBe(0.5);
    expect(q.stdev(new Float64Array(10).fill(3), 4)[5]).toBe(0);
  });
});
