import { describe, expect, it } from "vitest";
import { backtest, combine } from "./backtest.ts";
import type { BacktestResult } from "./backtest.ts";
import { combineParts, emptyParts } from "./BacktestParts.ts";

const DAY = 86_400_000;
const days = (n: number) => Float64Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * DAY);
const f64 = (...xs: number[]) => Float64Array.from(xs);

function expectNear(actual: number, expected: number, rel = 1e-12): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

describe("metrics of hand-computed cases", () => {
  it("a flat series earns nothing; the entry fee is the only loss", () => {
    const close = new Float64Array(6).fill(100);
    const position = new Float64Array(6).fill(1);
    const r = backtest({ close, position, time: days(6) });
    expect(r).toMatchObject({ total_return: 0, cagr: 0, volatility: 0, sharpe: 0, sortino: 0, max_drawdown: 0 });
    expect(r).toMatchObject({ trades: 1, win_rate: 0, turnover: 1, bars: 6, periods_per_year: 365.25 });
    expectNear(r.exposure, 5 / 6);
    expectNear(r.years, 5 / 365.25);

    const paid = backtest({ close, position, time: days(6), feeBps: 6, slippageBps: 4 });
    expectNear(paid.total_return, -0.001);
    expectNear(paid.max_drawdown, 0.001);
    const mean = -0.001 / 6;
    const sd = Math.sqrt((1e-6 - 1e-6 / 6) / 5);
    expectNear(paid.sharpe, (mean / sd) * Math.sqrt(365.25));
    expectNear(paid.sortino, (mean / Math.sqrt(1e-6 / 6)) * Math.sqrt(365.25));
    expectNear(paid.cagr, 0.999 ** (365.25 / 5) - 1);
  });

  it("a steady 1% trend held long", () => {
    const n = 253;
    const close = new Float64Array(n);
    for (let i = 0; i < n; i++) close[i] = 100 * 1.01 ** i;
    const r = backtest({ close, position: new Float64Array(n).fill(1), time: days(n) });
    expectNear(r.total_return, 1.01 ** 252 - 1, 1e-11);
    expectNear(r.cagr, 1.01 ** 365.25 - 1, 1e-10); // 252 days of 1% compounded over a year of 365.25 days
    const sum = 252 * 0.01;
    const mean = sum / n;
    const sd = Math.sqrt((252 * 1e-4 - sum * mean) / (n - 1));
    expectNear(r.volatility, sd * Math.sqrt(365.25), 1e-9);
    expectNear(r.sharpe, (mean / sd) * Math.sqrt(365.25), 1e-9);
    expect(r).toMatchObject({ sortino: 0, max_drawdown: 0, trades: 1, win_rate: 1, bars: n });
    expectNear(r.exposure, 252 / 253);
  });

  it("one round trip with fees and slippage", () => {
    const close = f64(100, 100, 110, 121, 121, 100);
    const position = f64(0, 1, 1, 0, 0, 0);
    const r = backtest({ close, position, feeBps: 10, slippageBps: 5, periodsPerYear: 252 });
    const c = 0.0015;
    const growth = (1 - c) * 1.1 * 1.1 * (1 - c);
    expectNear(r.total_return, growth - 1);
    expect(r).toMatchObject({ trades: 1, win_rate: 1, turnover: 2, periods_per_year: 252 });
    expectNear(r.max_drawdown, c); // from the starting equity to just after the entry fee
    expectNear(r.exposure, 2 / 6);
    const R = [0, -c, 0.1, 1.1 * (1 - c) - 1, 0, 0];
    const mean = R.reduce((s, x) => s + x) / 6;
    const sd = Math.sqrt(R.reduce((s, x) => s + (x - mean) ** 2, 0) / 5);
    expectNear(r.sharpe, (mean / sd) * Math.sqrt(252));
    expectNear(r.sortino, (mean / Math.sqrt((c * c) / 6)) * Math.sqrt(252));
    expectNear(r.years, 6 / 252);
    expectNear(r.cagr, growth ** (252 / 6) - 1);
  });

  it("all trades losing: three long entries at 100 exited at 90", () => {
    const close = f64(100, 90, 100, 90, 100, 90, 100);
    const r = backtest({ close, position: f64(1, 0, 1, 0, 1, 0, 0) });
    expectNear(r.total_return, 0.9 ** 3 - 1);
    expectNear(r.max_drawdown, 1 - 0.9 ** 3);
    expect(r).toMatchObject({ trades: 3, win_rate: 0, turnover: 6, periods_per_year: 252 });
    const mean = -0.3 / 7;
    const sd = Math.sqrt((0.03 - -0.3 * mean) / 6);
    expectNear(r.sharpe, (mean / sd) * Math.sqrt(252));
    expectNear(r.sortino, (mean / Math.sqrt(0.03 / 7)) * Math.sqrt(252));
  });

  it("shorts, flips and NaN positions", () => {
    const close = f64(100, 90, 99, 99);
    // short 100 → 90 (+10%), flip long at 90 → 99 (+10%), NaN = flat
    const r = backtest({ close, position: f64(-1, 1, NaN, NaN) });
    expectNear(r.total_return, 1.1 * 1.1 - 1);
    expect(r).toMatchObject({ trades: 2, win_rate: 1, turnover: 4, max_drawdown: 0 });
  });

  it("last ends the owned bars: later bars are ignored", () => {
    const close = f64(100, 110, 99, 120, 130, 90);
    const position = f64(1, 1, 0, 1, 1, 1);
    const r = backtest({ close, position, first: 2, last: 4, time: days(6) });
    expect(r).toEqual(backtest({ close: close.subarray(0, 4), position: position.subarray(0, 4), first: 2, time: days(4) }));
    expectNear(r.total_return, 1.1 * 0.9 - 1);
  });

  it("the equity curve is sampled evenly and ends on the last bar", () => {
    const close = f64(1, 2, 4, 8, 16, 32, 64);
    const r = backtest({ close, position: new Float64Array(7).fill(1), curve: 3 });
    expect(r.equity).toEqual({ time: [3, 6, 7], equity: [4, 32, 64] });
  });
});

function walk(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let x = seed;
  let c = 100;
  for (let i = 0; i < n; i++) {
    x = (x * 16807) % 2147483647;
    c *= 1 + (x / 2147483647 - 0.5) * 0.06;
    out[i] = c;
  }
  return out;
}

/** Positions with runs, flips, size changes and NaN, from a deterministic generator. */
function positions(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let x = seed;
  let p = 0;
  for (let i = 0; i < n; i++) {
    x = (x * 48271) % 2147483647;
    const u = x / 2147483647;
    if (u < 0.08) p = [-1, -0.5, 0, 0.5, 1, NaN][Math.floor(u * 75)]!;
    out[i] = p;
  }
  return out;
}

const FEES = { feeBps: 3, slippageBps: 2 };

/** Backtests of slices [start, end) with the whole history before them as halo, in random order. */
function sliceResults(close: Float64Array, position: Float64Array, time: Float64Array, cuts: number[]): BacktestResult[] {
  const bounds = [0, ...cuts, close.length];
  const out: BacktestResult[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const [start, end] = [bounds[k]!, bounds[k + 1]!];
    const from = Math.max(0, start - 1 - (k % 3)); // a halo of 1–3 bars is all a fixed position array needs
    out.push(
      backtest({
        close: close.subarray(from, end),
        position: position.subarray(from, end),
        time: time.subarray(from, end),
        first: start - from + 1,
        ...FEES,
      }),
    );
  }
  return out.reverse();
}

function expectSameResult(split: BacktestResult, whole: BacktestResult): void {
  for (const key of ["trades", "bars", "turnover"] as const) expect(split[key], key).toBe(whole[key]);
  for (const key of ["total_return", "cagr", "volatility", "sharpe", "sortino", "max_drawdown", "win_rate", "exposure", "periods_per_year"] as const) {
    expectNear(split[key], whole[key], 1e-11);
  }
}

describe("slices combine into the unsplit backtest", () => {
  const n = 2000;
  const close = walk(n, 11);
  const time = days(n);
  for (let seed = 1; seed <= 12; seed++) {
    it(`random positions and cuts (seed ${seed})`, () => {
      const position = positions(n, seed);
      const whole = backtest({ close, position, time, ...FEES });
      expect(whole.trades).toBeGreaterThan(20);
      let x = seed * 7919;
      const cuts = new Set<number>([1, 2]);
      for (let k = 0; k < seed * 3; k++) {
        x = (x * 16807) % 2147483647;
        cuts.add(1 + (x % (n - 1)));
      }
      const sorted = [...cuts].sort((a, b) => a - b);
      const parts = sliceResults(close, position, time, sorted);
      expectSameResult(combine(parts), whole);
      // Any grouping: combine pairs, then the combinations.
      const grouped = [];
      for (let k = 0; k < parts.length; k += 2) grouped.push(combine(parts.slice(k, k + 2)));
      expectSameResult(combine(grouped), whole);
    });
  }

  it("max drawdown spanning slices: peak in the first, trough in the third", () => {
    const close = f64(100, 120, 150, 140, 130, 110, 90, 95, 100, 160);
    const position = new Float64Array(10).fill(1);
    const t = days(10);
    const whole = backtest({ close, position, time: t, ...FEES });
    expectNear(whole.max_drawdown, 1 - 90 / 150);
    for (const cuts of [[3], [3, 6], [2, 5, 7], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
      expectSameResult(combine(sliceResults(close, position, t, cuts)), whole);
    }
  });

  it("a trade spanning several slices counts once", () => {
    const close = f64(100, 101, 102, 103, 104, 105, 104, 103);
    const position = f64(0, 1, 1, 1, 1, 1, 1, 0);
    const t = days(8);
    const r = combine(sliceResults(close, position, t, [2, 3, 4, 6]));
    expect(r).toMatchObject({ trades: 1, win_rate: 1 });
    expectSameResult(r, backtest({ close, position, time: t, ...FEES }));
  });

  it("empty parts are the identity", () => {
    const r = backtest({ close: f64(1, 2), position: f64(1, 1), first: 3 });
    expect(r.bars).toBe(0);
    expect(r.parts).toEqual([]);
    const other = backtest({ close: f64(1, 2, 3), position: f64(1, 1, 0) }).parts[0]!;
    expect(combineParts(emptyParts(), other)).toEqual(other);
    expect(combineParts(other, emptyParts())).toEqual(other);
  });

  it("slices grouped out of order merge only with their neighbours", () => {
    const n = 1000;
    const close = walk(n, 5);
    const position = positions(n, 3);
    const time = days(n);
    const whole = backtest({ close, position, time, ...FEES });
    const slices = sliceResults(close, position, time, [100, 200, 300, 400, 500, 600, 700, 800, 900]).reverse();
    // Pairs of non-neighbours first (slices 0+2, 1+3, ...), then everything.
    const early = [combine([slices[0]!, slices[2]!]), combine([slices[1]!, slices[3]!]), combine([slices[5]!, slices[9]!])];
    expect(early[0]!.parts).toHaveLength(2);
    const late = combine([slices[8]!, slices[4]!, slices[6]!, slices[7]!]);
    const all = combine([late, ...early.reverse()]);
    expect(all.parts).toHaveLength(1);
    expectSameResult(all, whole);
  });
});
