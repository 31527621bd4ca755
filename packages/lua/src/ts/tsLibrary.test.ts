import { describe, expect, it } from "vitest";
import * as ts from "./tsLibrary.ts";

function series(n: number, seed = 1): Float64Array {
  let x = seed;
  const out = new Float64Array(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    price *= 1 + (x / 2147483648 - 0.5) * 0.02;
    out[i] = price;
  }
  return out;
}

const naive = {
  sum: (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0),
  mean: (a: ArrayLike<number>) => naive.sum(a) / a.length,
  std: (a: ArrayLike<number>) => {
    const m = naive.mean(a);
    return Math.sqrt(Array.from(a).reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
  },
  rolling: (a: Float64Array, n: number, f: (w: Float64Array) => number) =>
    Float64Array.from(a, (_x, i) => (i < n - 1 ? NaN : f(a.subarray(i - n + 1, i + 1)))),
};

function expectClose(actual: Float64Array, expected: Float64Array, rel = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(e)) expect(a, `index ${i}`).toBeNaN();
    else expect(Math.abs(a - e), `index ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(e)));
  }
}

describe("reductions", () => {
  const a = series(1000);
  it("match naive implementations", () => {
    expect(ts.sum(a)).toBeCloseTo(naive.sum(a), 9);
    expect(ts.mean(a)).toBeCloseTo(naive.mean(a), 12);
    expect(ts.std(a)).toBeCloseTo(naive.std(a), 12);
    expect(ts.min(a)).toBe(Math.min(...a));
    expect(ts.max(a)).toBe(Math.max(...a));
  });
  it("sum exactly where naive summation cancels", () => {
    expect(ts.sum(Float64Array.of(1e16, 1, -1e16))).toBe(1);
    expect(ts.sum(Float64Array.of(0.1, 0.2, 0.3, -0.6))).toBe(2.7755575615628914e-17); // math.fsum agrees;
  });
  it("skip NaN and handle empty input", () => {
    const b = Float64Array.of(NaN, 1, 2, NaN, 3);
    expect([ts.sum(b), ts.mean(b), ts.std(b), ts.min(b), ts.max(b)]).toEqual([6, 2, 1, 1, 3]);
    const empty = new Float64Array(0);
    expect(ts.sum(empty)).toBe(0);
    expect([ts.mean(empty), ts.std(empty), ts.min(empty), ts.max(empty)].every(Number.isNaN)).toBe(true);
    expect(ts.std(Float64Array.of(5))).toBeNaN();
  });
  it("propagate infinities like IEEE addition", () => {
    expect(ts.sum(Float64Array.of(1, Infinity))).toBe(Infinity);
    expect(ts.sum(Float64Array.of(-Infinity, Infinity))).toBeNaN();
    expect(ts.std(Float64Array.of(1, Infinity))).toBeNaN();
  });
});

describe("rolling windows", () => {
  const a = series(500, 7);
  for (const n of [1, 2, 5, 20, 499, 500, 501]) {
    it(`match naive windows (n = ${n})`, () => {
      expectClose(ts.rollingSum(a, n), naive.rolling(a, n, naive.sum));
      expectClose(ts.rollingMean(a, n), naive.rolling(a, n, naive.mean));
      expectClose(ts.rollingStd(a, n), naive.rolling(a, n, naive.std), 1e-9);
      expectClose(ts.rollingMin(a, n), naive.rolling(a, n, (w) => Math.min(...w)), 0);
      expectClose(ts.rollingMax(a, n), naive.rolling(a, n, (w) => Math.max(...w)), 0);
    });
  }
  it("depend only on the window's values, bit for bit (halo property)", () => {
    const n = 20;
    const sums = ts.rollingSum(a, n);
    const stds = ts.rollingStd(a, n);
    const zs = ts.zscore(a, n);
    for (const start of [0, 37, 200]) {
      const slice = a.subarray(start);
      const sliceSums = ts.rollingSum(slice, n);
      const sliceStds = ts.rollingStd(slice, n);
      const sliceZs = ts.zscore(slice, n);
      for (let i = n - 1; i < slice.length; i++) {
        expect(sliceSums[i]).toBe(sums[start + i]);
        expect(sliceStds[i]).toBe(stds[start + i]);
        expect(sliceZs[i]).toBe(zs[start + i]);
        expect(sliceStds[i]).toBe(ts.std(slice.subarray(i - n + 1, i + 1)));
      }
    }
  });
  it("give NaN for windows containing NaN and recover after", () => {
    const b = Float64Array.of(1, 2, NaN, 4, 5, 6);
    expect(Array.from(ts.rollingSum(b, 2))).toEqual([NaN, 3, NaN, NaN, 9, 11]);
    expect(Array.from(ts.rollingMax(b, 2))).toEqual([NaN, 2, NaN, NaN, 5, 6]);
    expect(Array.from(ts.rollingMin(b, 2))).toEqual([NaN, 1, NaN, NaN, 4, 5]);
    expect(ts.rollingStd(b, 2)[5]).toBeCloseTo(Math.SQRT1_2, 15);
  });
  it("compute the std of a constant window as exactly 0", () => {
    expect(Array.from(ts.rollingStd(Float64Array.of(0.1, 0.1, 0.1, 0.1), 3))).toEqual([NaN, NaN, 0, 0]);
    expect(Array.from(ts.zscore(Float64Array.of(0.1, 0.1, 0.1), 2))).toEqual([NaN, NaN, NaN]);
  });
  it("reject windows that are not positive integers", () => {
    expect(() => ts.rollingMean(a, 0)).toThrow("window must be a positive integer");
    expect(() => ts.rollingMax(a, 2.5)).toThrow("window must be a positive integer");
  });
});

describe("transforms", () => {
  const a = Float64Array.of(10, 11, 9.9, 12);
  it("ema seeds with the first value and uses alpha = 2 / (n + 1)", () => {
    const e = ts.ema(a, 3);
    expect(e[0]).toBe(10);
    expect(e[1]).toBe(0.5 * 11 + 0.5 * 10);
    expect(e[2]).toBe(0.5 * 9.9 + 0.5 * (e[1] as number));
    expect(Array.from(ts.ema(Float64Array.of(NaN, 2, NaN, 4), 1))).toEqual([NaN, 2, NaN, 4]);
  });
  it("diff, returns, log_returns and shift use the lag k", () => {
    expect(Array.from(ts.diff(a))).toEqual([NaN, 1, 9.9 - 11, 12 - 9.9]);
    expect(Array.from(ts.diff(a, 2))).toEqual([NaN, NaN, 9.9 - 10, 1]);
    expect(Array.from(ts.returns(a))).toEqual([NaN, 11 / 10 - 1, 9.9 / 11 - 1, 12 / 9.9 - 1]);
    expect(Array.from(ts.logReturns(a))).toEqual([NaN, Math.log(1.1), Math.log(9.9 / 11), Math.log(12 / 9.9)]);
    expect(Array.from(ts.shift(a, 1))).toEqual([NaN, 10, 11, 9.9]);
    expect(Array.from(ts.shift(a, -1))).toEqual([11, 9.9, 12, NaN]);
  });
  it("cumsum is exact and cumprod multiplies; both skip NaN", () => {
    expect(Array.from(ts.cumsum(Float64Array.of(0.1, 0.2, NaN, 0.3)))).toEqual([0.1, 0.30000000000000004, NaN, 0.6]);
    expect(Array.from(ts.cumprod(Float64Array.of(2, NaN, 3)))).toEqual([2, NaN, 6]);
  });
  it("crossover marks upward crossings against an array or a number", () => {
    const fast = Float64Array.of(1, 2, 3, 2, 3);
    const slow = Float64Array.of(2, 2, 2, 2, 2);
    expect(Array.from(ts.crossover(fast, slow))).toEqual([0, 0, 1, 0, 1]);
    expect(Array.from(ts.crossover(fast, 2))).toEqual([0, 0, 1, 0, 1]);
    expect(Array.from(ts.crossover(Float64Array.of(NaN, 3), 2))).toEqual([0, 0]);
  });
  it("sign and clip", () => {
    expect(Array.from(ts.sign(Float64Array.of(-2, 0, 3, NaN)))).toEqual([-1, 0, 1, NaN]);
    expect(Array.from(ts.clip(Float64Array.of(-2, 0.5, 3, NaN), 0, 1))).toEqual([0, 0.5, 1, NaN]);
  });
});

describe("element-wise kernels", () => {
  const VALUES = [0, -0, 1.5, -2.25, 0.1, 3, NaN, Infinity, -Infinity, 1e300, 5e-324];
  const a = Float64Array.from({ length: VALUES.length ** 2 }, (_x, i) => VALUES[i % VALUES.length] as number);
  const b = Float64Array.from({ length: VALUES.length ** 2 }, (_x, i) => VALUES[Math.floor(i / VALUES.length)] as number);
  const ops: Array<[string, (a: Float64Array, b: Float64Array | number) => Float64Array, (x: number, y: number) => number]> = [
    ["add", ts.add, (x, y) => x + y],
    ["sub", ts.sub, (x, y) => x - y],
    ["mul", ts.mul, (x, y) => x * y],
    ["div", ts.div, (x, y) => x / y],
    ["gt", ts.gt, (x, y) => (x > y ? 1 : 0)],
    ["lt", ts.lt, (x, y) => (x < y ? 1 : 0)],
    ["ge", ts.ge, (x, y) => (x >= y ? 1 : 0)],
    ["le", ts.le, (x, y) => (x <= y ? 1 : 0)],
  ];
  it.each(ops)("%s applies the IEEE operation to every pair, and to a number", (_name, kernel, op) => {
    const same = (got: Float64Array, want: (i: number) => number) => got.forEach((x, i) => expect(Object.is(x, want(i)), `at ${i}: ${a[i]}, ${b[i]}`).toBe(true));
    same(kernel(a, b), (i) => op(a[i] as number, b[i] as number));
    for (const y of [2, -0, NaN]) same(kernel(a, y), (i) => op(a[i] as number, y));
    expect(kernel(new Float64Array(0), 1)).toHaveLength(0);
  });
  it("comparisons with NaN are 0, as in Lua", () => {
    for (const [, kernel] of ops.slice(4)) expect(Array.from(kernel(Float64Array.of(NaN, 1, NaN), Float64Array.of(1, NaN, NaN)))).toEqual([0, 0, 0]);
  });
  it("abs drops the sign and keeps NaN", () => {
    expect(Array.from(ts.abs(Float64Array.of(-2, -0, 3, NaN, -Infinity)))).toEqual([2, 0, 3, NaN, Infinity]);
    expect(Object.is(ts.abs(Float64Array.of(-0))[0], 0)).toBe(true);
  });
  it("count_changes counts neighbours that differ, a NaN differing from everything", () => {
    expect(ts.countChanges(Float64Array.of(0, 0, 1, 1, 0))).toBe(2);
    expect(ts.countChanges(Float64Array.of(1, 1, 2, NaN, NaN, 2))).toBe(4);
    expect(ts.countChanges(Float64Array.of(0, -0))).toBe(0);
    expect([ts.countChanges(new Float64Array(0)), ts.countChanges(Float64Array.of(7))]).toEqual([0, 0]);
  });
  it("shift and returns give a[i − k] and a[i] / a[i − k] − 1 for every lag, NaN outside", () => {
    for (let n = 0; n <= 6; n++) {
      const c = Float64Array.from({ length: n }, (_x, i) => 10 + i * 1.5);
      for (let k = -8; k <= 8; k++) {
        const at = (i: number) => (i - k >= 0 && i - k < n ? (c[i - k] as number) : NaN);
        expect(Array.from(ts.shift(c, k)), `n=${n} k=${k}`).toEqual(Array.from(c, (_x, i) => at(i)));
        expect(Array.from(ts.returns(c, k)), `n=${n} k=${k}`).toEqual(Array.from(c, (x, i) => x / at(i) - 1));
      }
    }
  });
});

describe("slice", () => {
  it("takes elements i..j with string.sub's rules", () => {
    const a = Float64Array.of(1, 2, 3, 4, 5);
    const s = (i: number, j?: number) => Array.from(ts.slice(a, i, j));
    expect([s(2), s(2, 3), s(-2), s(-3, -2), s(0, 2), s(4, 99), s(-99, 1), s(3, 2), s(6), s(1, 0)]).toEqual([
      [2, 3, 4, 5], [2, 3], [4, 5], [3, 4], [1, 2], [4, 5], [1], [], [], [],
    ]);
  });
});
