import * as ts from "../ts/tsLibrary.ts";
import { rollingMoments, rollingSum, rollingWeightedSum } from "./rollingExact.ts";

// Technical indicators on Float64Array, engine-independent (docs/quant.md). Outputs are as
// long as the input with NaN on warm-up bars. Window indicators (sma, wma, stdev, zscore,
// bbands, rolling min/max) depend only on the values in their window, bit for bit, so a slice
// with a halo of at least the window agrees exactly with the whole series; a window holding
// NaN gives NaN. Recursive ones (ema, rsi, macd, atr) remember all history: a halo of h bars
// leaves an error of about (1 − α)^h, and NaN inputs give NaN and are skipped.

/** Simple moving average over `n` bars. */
export function sma(a: Float64Array, n: number): Float64Array {
  checkWindow(n);
  return rollingSum(a, n, n);
}

/** Linearly weighted moving average: weights 1..n, newest heaviest. */
export function wma(a: Float64Array, n: number): Float64Array {
  checkWindow(n);
  const w = rollingWeightedSum(a, n);
  const d = (n * (n + 1)) / 2;
  for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) / d;
  return w;
}

/** Exponential moving average, alpha = 2 / (n + 1), seeded with the mean of the first `n` non-NaN values. */
export function ema(a: Float64Array, n: number): Float64Array {
  checkWindow(n);
  return smoothed(a, n, 2 / (n + 1));
}

/** Rolling standard deviation over `n` bars with divisor n − ddof (ddof 1: sample, 0: population). */
export function stdev(a: Float64Array, n: number, ddof = 1): Float64Array {
  checkWindow(n);
  checkDdof(n, ddof);
  const { centred } = rollingMoments(a, n);
  const d = n * (n - ddof);
  for (let i = 0; i < centred.length; i++) centred[i] = Math.sqrt((centred[i] as number) / d);
  return centred;
}

/** (x − rolling mean) / rolling stdev over `n` bars (divisor n − ddof); NaN where the stdev is 0. */
export function zscore(a: Float64Array, n: number, ddof = 1): Float64Array {
  checkWindow(n);
  checkDdof(n, ddof);
  const { sum, centred } = rollingMoments(a, n);
  const out = new Float64Array(a.length);
  const d = n * (n - ddof);
  for (let i = 0; i < a.length; i++) {
    const sd = Math.sqrt((centred[i] as number) / d);
    out[i] = sd > 0 ? ((a[i] as number) - (sum[i] as number) / n) / sd : NaN;
  }
  return out;
}

/** Bollinger bands: middle = SMA(n), upper/lower = middle ± k · population stdev(n). */
export function bbands(a: Float64Array, n = 20, k = 2): { middle: Float64Array; upper: Float64Array; lower: Float64Array } {
  checkWindow(n);
  const { sum, centred } = rollingMoments(a, n);
  const upper = new Float64Array(a.length);
  const lower = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const m = (sum[i] as number) / n;
    const sd = Math.sqrt((centred[i] as number) / (n * n));
    sum[i] = m;
    upper[i] = m + k * sd;
    lower[i] = m - k * sd;
  }
  return { middle: sum, upper, lower };
}

/** Wilder's RSI: average gain and loss seeded with the mean of the first `n` changes, then smoothed by 1/n. */
export function rsi(a: Float64Array, n = 14): Float64Array {
  checkWindow(n);
  const out = new Float64Array(a.length).fill(NaN);
  let prev = NaN;
  let gain = 0;
  let loss = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (Number.isNaN(x)) continue;
    if (Number.isNaN(prev)) {
      prev = x;
      continue;
    }
    const d = x - prev;
    prev = x;
    const g = d > 0 ? d : 0;
    const l = d < 0 ? -d : 0;
    count++;
    if (count < n) {
      gain += g;
      loss += l;
      continue;
    }
    if (count === n) {
      gain = (gain + g) / n;
      loss = (loss + l) / n;
    } else {
      gain = (gain * (n - 1) + g) / n;
      loss = (loss * (n - 1) + l) / n;
    }
    out[i] = loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);
  }
  return out;
}

/** MACD: line = EMA(fast) − EMA(slow), signal = EMA(signal) of the line, histogram = line − signal. */
export function macd(
  a: Float64Array,
  fast = 12,
  slow = 26,
  signal = 9,
): { macd: Float64Array; signal: Float64Array; histogram: Float64Array } {
  if (!(fast < slow)) throw new RangeError("fast period must be shorter than slow period");
  const line = ema(a, fast);
  const s = ema(a, slow);
  for (let i = 0; i < line.length; i++) line[i] = (line[i] as number) - (s[i] as number);
  const sig = ema(line, signal);
  const histogram = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) histogram[i] = (line[i] as number) - (sig[i] as number);
  return { macd: line, signal: sig, histogram };
}

/** True range max(high − low, |high − prev close|, |low − prev close|) from the second bar on. */
export function trueRange(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  sameLength(high, low, close);
  const out = new Float64Array(high.length).fill(NaN);
  let prevClose = NaN;
  for (let i = 0; i < high.length; i++) {
    const h = high[i] as number;
    const l = low[i] as number;
    const c = close[i] as number;
    if (Number.isNaN(h) || Number.isNaN(l) || Number.isNaN(c)) continue;
    if (!Number.isNaN(prevClose)) out[i] = Math.max(h - l, Math.abs(h - prevClose), Math.abs(l - prevClose));
    prevClose = c;
  }
  return out;
}

/** Wilder's average true range: the mean of the first `n` true ranges, then smoothed by 1/n. */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, n = 14): Float64Array {
  checkWindow(n);
  return smoothed(trueRange(high, low, close), n, 1 / n);
}

/** Rolling minimum over `n` bars. */
export const rollingMin = ts.rollingMin;
/** Rolling maximum over `n` bars. */
export const rollingMax = ts.rollingMax;
/** Simple returns a[i] / a[i−k] − 1. */
export const returns = ts.returns;
/** Log returns ln(a[i] / a[i−k]). */
export const logReturns = ts.logReturns;
/** a[i−k]: the series delayed by k bars (NaN where that is outside the array). */
export const shift = ts.shift;

/** 1 where `a` crosses above `b` (a[i−1] ≤ b[i−1] and a[i] > b[i]), else 0; `b` may be a number. */
export function crossover(a: Float64Array, b: Float64Array | number): Float64Array {
  return ts.crossover(a, b);
}

/** 1 where `a` crosses below `b` (a[i−1] ≥ b[i−1] and a[i] < b[i]), else 0; `b` may be a number. */
export function crossunder(a: Float64Array, b: Float64Array | number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 1; i < a.length; i++) {
    const b0 = typeof b === "number" ? b : (b[i - 1] as number);
    const b1 = typeof b === "number" ? b : (b[i] as number);
    out[i] = (a[i - 1] as number) >= b0 && (a[i] as number) < b1 ? 1 : 0;
  }
  return out;
}

/** 1 where a[i] > b[i], else 0 (NaN compares false). */
export function above(a: Float64Array, b: Float64Array | number): Float64Array {
  return below(typeof b === "number" ? new Float64Array(a.length).fill(b) : b, a);
}

/** 1 where a[i] < b[i], else 0 (NaN compares false). */
export function below(a: Float64Array, b: Float64Array | number): Float64Array {
  const out = new Float64Array(a.length);
  const bs = typeof b === "number" ? new Float64Array(a.length).fill(b) : b;
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) < (bs[i] as number) ? 1 : 0;
  return out;
}

/**
 * A latched position: `size` from a bar where `enter` is non-zero, 0 from a bar where `exit` is
 * non-zero (exit wins a tie), else the previous bar's value; starts at 0. NaN counts as zero.
 */
export function hold(enter: Float64Array, exit: Float64Array, size = 1): Float64Array {
  sameLength(enter, exit);
  const out = new Float64Array(enter.length);
  let pos = 0;
  for (let i = 0; i < enter.length; i++) {
    if (isOn(exit[i] as number)) pos = 0;
    else if (isOn(enter[i] as number)) pos = size;
    out[i] = pos;
  }
  return out;
}

function isOn(x: number): boolean {
  return x !== 0 && !Number.isNaN(x);
}

/** EMA-style recursion with weight `alpha`, seeded with the mean of the first `n` non-NaN values. */
function smoothed(a: Float64Array, n: number, alpha: number): Float64Array {
  const out = new Float64Array(a.length).fill(NaN);
  let state = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (Number.isNaN(x)) continue;
    count++;
    if (count < n) state += x;
    else if (count === n) state = (state + x) / n;
    else state = (x - state) * alpha + state;
    if (count >= n) out[i] = state;
  }
  return out;
}

function checkWindow(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError("window must be a positive integer");
}

function checkDdof(n: number, ddof: number): void {
  if (!Number.isInteger(ddof) || ddof < 0 || ddof >= n) throw new RangeError("ddof must be an integer in [0, window)");
}

function sameLength(...arrays: Float64Array[]): void {
  const n = arrays[0]?.length;
  if (arrays.some((x) => x.length !== n)) throw new RangeError("arrays must have the same length");
}
