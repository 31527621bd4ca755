import { ExactSum, addSquare, varianceOf } from "./ExactSum.ts";
import { exactMoments } from "./exactMoments.ts";
import { rollingExactSum } from "./rollingExactSum.ts";

// Numeric kernels behind the Lua `ts` library, on Float64Array and engine-independent.
// Conventions (documented in docs/lua-api.md): reductions skip NaN like pandas; a rolling
// window containing NaN gives NaN; positions without enough history are NaN. Sums are
// exact and rounded once, so windowed results depend only on the window's values, which
// is what makes a slice with a halo agree bit for bit with the whole series.

/** Sum of the non-NaN values (0 when there are none). */
export function sum(a: Float64Array): number {
  return exactMoments(a, false).s1.value();
}

/** Mean of the non-NaN values (NaN when there are none). */
export function mean(a: Float64Array): number {
  const { n, s1 } = exactMoments(a, false);
  return n === 0 ? NaN : s1.value() / n;
}

/** Sample standard deviation (n − 1) of the non-NaN values (NaN for fewer than two). */
export function std(a: Float64Array): number {
  const { n, s1, s2 } = exactMoments(a, true);
  return Math.sqrt(varianceOf(n, s1, s2));
}

/** Smallest non-NaN value (NaN when there are none). */
export function min(a: Float64Array): number {
  let m = NaN;
  for (const x of a) if (x < m || (Number.isNaN(m) && !Number.isNaN(x))) m = x;
  return m;
}

/** Largest non-NaN value (NaN when there are none). */
export function max(a: Float64Array): number {
  let m = NaN;
  for (const x of a) if (x > m || (Number.isNaN(m) && !Number.isNaN(x))) m = x;
  return m;
}

/** Sum over the trailing window of `n` values. */
export function rollingSum(a: Float64Array, n: number): Float64Array {
  checkWindow(n);
  return rollingExactSum(a, n, 1);
}

/** Mean over the trailing window of `n` values. */
export function rollingMean(a: Float64Array, n: number): Float64Array {
  checkWindow(n);
  return rollingExactSum(a, n, n);
}

/** Sample standard deviation over the trailing window of `n` values (NaN for n = 1). */
export function rollingStd(a: Float64Array, n: number): Float64Array {
  checkWindow(n);
  const out = new Float64Array(a.length).fill(NaN);
  const s1 = new ExactSum();
  const s2 = new ExactSum();
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    s1.add(x);
    addSquare(s2, x, 1);
    if (i >= n) {
      const old = a[i - n] as number;
      s1.remove(old);
      addSquare(s2, old, -1);
    }
    if (i >= n - 1) out[i] = Math.sqrt(varianceOf(n, s1, s2));
  }
  return out;
}

/** Minimum over the trailing window of `n` values (monotonic deque, O(length)). */
export function rollingMin(a: Float64Array, n: number): Float64Array {
  return rollingExtreme(a, n, (x, y) => x <= y);
}

/** Maximum over the trailing window of `n` values (monotonic deque, O(length)). */
export function rollingMax(a: Float64Array, n: number): Float64Array {
  return rollingExtreme(a, n, (x, y) => x >= y);
}

/** Exponential moving average with alpha = 2 / (n + 1), seeded with the first non-NaN value; NaN inputs give NaN and are skipped. */
export function ema(a: Float64Array, n: number): Float64Array {
  checkWindow(n);
  const alpha = 2 / (n + 1);
  const out = new Float64Array(a.length);
  let state = NaN;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (Number.isNaN(x)) {
      out[i] = NaN;
      continue;
    }
    state = Number.isNaN(state) ? x : alpha * x + (1 - alpha) * state;
    out[i] = state;
  }
  return out;
}

/** a[i] − a[i−k]. */
export function diff(a: Float64Array, k = 1): Float64Array {
  return lagged(a, k, (x, prev) => x - prev);
}

/** Simple returns a[i] / a[i−k] − 1. */
export function returns(a: Float64Array, k = 1): Float64Array {
  const out = lagSpan(a, k);
  for (let i = Math.max(k, 0), end = Math.min(a.length, a.length + k); i < end; i++) out[i] = (a[i] as number) / (a[i - k] as number) - 1;
  return out;
}

/** Log returns ln(a[i] / a[i−k]). */
export function logReturns(a: Float64Array, k = 1): Float64Array {
  return lagged(a, k, (x, prev) => Math.log(x / prev));
}

/** a[i−k] (a negative k looks ahead); NaN where that is outside the array. */
export function shift(a: Float64Array, k = 1): Float64Array {
  const out = lagSpan(a, k);
  for (let i = Math.max(k, 0), end = Math.min(a.length, a.length + k); i < end; i++) out[i] = a[i - k] as number;
  return out;
}

/** Running sum (exact, rounded at each step); NaN inputs give NaN and are skipped. */
export function cumsum(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  const s = new ExactSum();
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (Number.isNaN(x)) out[i] = NaN;
    else {
      s.add(x);
      out[i] = s.value();
    }
  }
  return out;
}

/** Running product; NaN inputs give NaN and are skipped. */
export function cumprod(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  let p = 1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (Number.isNaN(x)) out[i] = NaN;
    else out[i] = p *= x;
  }
  return out;
}

/** (a[i] − rolling mean) / rolling std over `n` values; NaN where the std is 0. */
export function zscore(a: Float64Array, n: number): Float64Array {
  const m = rollingMean(a, n);
  const s = rollingStd(a, n);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const sd = s[i] as number;
    out[i] = sd > 0 ? ((a[i] as number) - (m[i] as number)) / sd : NaN;
  }
  return out;
}

/** 1 where `a` crosses above `b` at i (a[i−1] ≤ b[i−1] and a[i] > b[i]), else 0; `b` may be a number. */
export function crossover(a: Float64Array, b: Float64Array | number): Float64Array {
  const at = (i: number) => (typeof b === "number" ? b : (b[i] as number));
  const out = new Float64Array(a.length);
  for (let i = 1; i < a.length; i++) {
    out[i] = (a[i - 1] as number) <= at(i - 1) && (a[i] as number) > at(i) ? 1 : 0;
  }
  return out;
}

/** −1, 0 or 1 by sign (NaN stays NaN). */
export function sign(a: Float64Array): Float64Array {
  return a.map(Math.sign);
}

/** Each value limited to [lo, hi] (NaN stays NaN). */
export function clip(a: Float64Array, lo: number, hi: number): Float64Array {
  return a.map((x) => (x < lo ? lo : x > hi ? hi : x));
}

// Element-wise kernels. Each has its own loop: a shared loop calling an operator per element
// runs two to three times slower once V8 sees several operators at that call.

/** a[i] + b[i] (b an array of a's length, or a number for every i). */
export function add(a: Float64Array, b: Float64Array | number): Float64Array {
  const out = new Float64Array(a.length);
  if (typeof b === "number") for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) + b;
  else for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) + (b[i] as number);
  return out;
}

/** a[i] − b[i]. */
export function sub(a: Float64Array, b: Float64Array | number): Float64Array {
  const out = new Float64Array(a.length);
  if (typeof b === "number") for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) - b;
  else for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) - (b[i] as number);
  return out;
}

/** a[i] · b[i]. */
export function mul(a: Float64Array, b: Float64Array | number): Float64Array {
  const out = new Float64Array(a.length);
  if (typeof b === "number") for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) * b;
  else for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) * (b[i] as number);
  return out;
}

/** a[i] / b[i], as Lua's float division (x/0 is ±inf, 0/0 NaN). */
export function div(a: Float64Array, b: Float64Array | number): Float64Array {
  const out = new Float64Array(a.length);
  if (typeof b === "number") for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) / b;
  else for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) / (b[i] as number);
  return out;
}

/** 1 where a[i] > b[i], else 0 (a comparison with NaN is false, as in Lua). */
export function gt(a: Float64Array, b: Float64Array | number): Float64Array {
  const out = new Float64Array(a.length);
  if (typeof b === "number") for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) > b ? 1 : 0;
  else for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) > (b[i] as number) ? 1 : 0;
  return out;
}

/** 1 where a[i] < b[i], else 0. */
export function lt(a: Float64Array, b: Float64Array | number): Float64Array {
  const out = new Float64Array(a.length);
  if (typeof b === "number") for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) < b ? 1 : 0;
  else for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) < (b[i] as number) ? 1 : 0;
  return out;
}

/** 1 where a[i] ≥ b[i], else 0. */
export function ge(a: Float64Array, b: Float64Array | number): Float64Array {
  const out = new Float64Array(a.length);
  if (typeof b === "number") for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) >= b ? 1 : 0;
  else for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) >= (b[i] as number) ? 1 : 0;
  return out;
}

/** 1 where a[i] ≤ b[i], else 0. */
export function le(a: Float64Array, b: Float64Array | number): Float64Array {
  const out = new Float64Array(a.length);
  if (typeof b === "number") for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) <= b ? 1 : 0;
  else for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) <= (b[i] as number) ? 1 : 0;
  return out;
}

/** |a[i]| (NaN stays NaN). */
export function abs(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.abs(a[i] as number);
  return out;
}

/**
 * Elements i..j (1-based, inclusive) as a new array, with string.sub's rules: a negative index
 * counts from the end (−1 is the last element), indexes are clamped to the array, and i > j
 * gives an empty array.
 */
export function slice(a: Float64Array, i: number, j = -1): Float64Array {
  const n = a.length;
  const from = i < 0 ? Math.max(n + i + 1, 1) : Math.max(i, 1);
  const to = j < 0 ? n + j + 1 : Math.min(j, n);
  return from > to ? new Float64Array(0) : a.slice(from - 1, to);
}

/** How many i ≥ 2 (1-based) have a[i] ~= a[i−1] as Lua compares them: a NaN differs from everything, itself included. */
export function countChanges(a: Float64Array): number {
  let n = 0;
  for (let i = 1; i < a.length; i++) if ((a[i] as number) !== (a[i - 1] as number)) n++;
  return n;
}

function checkWindow(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError("window must be a positive integer");
}

function rollingExtreme(a: Float64Array, n: number, keeps: (x: number, y: number) => boolean): Float64Array {
  checkWindow(n);
  const out = new Float64Array(a.length).fill(NaN);
  const deque = new Int32Array(a.length);
  let head = 0;
  let tail = 0;
  let nans = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (Number.isNaN(x)) nans++;
    else {
      while (tail > head && keeps(x, a[deque[tail - 1] as number] as number)) tail--;
      deque[tail++] = i;
    }
    if (i >= n) {
      if (Number.isNaN(a[i - n] as number)) nans--;
      if (tail > head && deque[head] === i - n) head++;
    }
    if (i >= n - 1 && nans === 0) out[i] = a[deque[head] as number] as number;
  }
  return out;
}

/**
 * A result for a lag of `k`, NaN where i − k is outside the array. returns and shift, which
 * backtests call on every series, fill the rest with their own loop; through {@link lagged}'s
 * callback they took twice as long.
 */
function lagSpan(a: Float64Array, k: number): Float64Array {
  if (!Number.isInteger(k)) throw new RangeError("lag must be an integer");
  const out = new Float64Array(a.length);
  out.fill(NaN, 0, Math.min(Math.max(k, 0), a.length));
  out.fill(NaN, Math.max(a.length + Math.min(k, 0), 0));
  return out;
}

function lagged(a: Float64Array, k: number, f: (x: number, prev: number) => number): Float64Array {
  if (!Number.isInteger(k)) throw new RangeError("lag must be an integer");
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const j = i - k;
    out[i] = j >= 0 && j < a.length ? f(a[i] as number, a[j] as number) : NaN;
  }
  return out;
}
