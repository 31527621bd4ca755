import { ExactSum, grow, growProduct, roundPartials } from "../ts/ExactSum.ts";
import { WindowSum, centredSquares, productError, splitHigh } from "./WindowSum.ts";

// Rolling sums that depend only on the values inside each window: a fast exact pass on
// WindowSum, and, from the first step it cannot do exactly (values spanning too many binary
// orders), a slow pass that recomputes each window from scratch. Both feed the same exact
// sums to the same formulas, so the switch is invisible. A window holding a non-finite value
// gives NaN.

/** Below this magnitude n·x could lose its rounding error to underflow. */
const TINY = 2 ** -900;

/** The correctly rounded sum of each trailing window of `n` values, divided by `divisor` (NaN before the window fills). */
export function rollingSum(a: Float64Array, n: number, divisor = 1): Float64Array {
  const out = new Float64Array(a.length);
  const s = new WindowSum();
  let bad = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (x - x === 0) s.add(x); // finite
    else bad++;
    if (i >= n) {
      const old = a[i - n] as number;
      if (old - old === 0) s.add(-old);
      else bad--;
    }
    if (!s.exact) return slowly(out, a, n, i, (w) => w.sum[0] / divisor);
    out[i] = i < n - 1 || bad > 0 ? NaN : s.hi / divisor;
  }
  return out;
}

/**
 * Per window: the rounded sum Σx and n·Σx² − (Σx)² (≥ 0). Σx² is kept exact as three sums
 * over the halves of Dekker's split (x = h + l: Σh², Σh·l, Σl²), each of which fits a
 * double-double on price-like data where Σx² itself does not.
 */
export function rollingMoments(a: Float64Array, n: number): { sum: Float64Array; centred: Float64Array } {
  const sum = new Float64Array(a.length).fill(NaN);
  const centred = new Float64Array(a.length).fill(NaN);
  const s1 = new WindowSum();
  const hh = new WindowSum();
  const hl = new WindowSum();
  const ll = new WindowSum();
  const push = (x: number, sign: 1 | -1) => {
    const h = splitHigh(x);
    const l = x - h;
    s1.add(sign * x);
    hh.add(sign * h * h);
    hl.add(sign * h * l);
    ll.add(sign * l * l);
  };
  let bad = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (Number.isFinite(x)) push(x, 1);
    else bad++;
    if (i >= n) {
      const old = a[i - n] as number;
      if (Number.isFinite(old)) push(old, -1);
      else bad--;
    }
    if (!s1.exact || !hh.exact || !hl.exact || !ll.exact) {
      slowly(sum, a, n, i, (w) => w.sum[0]);
      slowly(centred, a, n, i, (w) => Math.max(0, centredSquares(n, ...w.sum, ...w.hh, ...w.hl, ...w.ll)));
      return { sum, centred };
    }
    if (i >= n - 1 && bad === 0) {
      sum[i] = s1.hi;
      centred[i] = Math.max(0, centredSquares(n, s1.hi, s1.lo, hh.hi, hh.lo, hl.hi, hl.lo, ll.hi, ll.lo));
    }
  }
  return { sum, centred };
}

/** The correctly rounded Σ k·x[i−n+k] (k = 1..n) of each trailing window, the numerator of a WMA. */
export function rollingWeightedSum(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(a.length).fill(NaN);
  const s = new WindowSum();
  const w = new WindowSum();
  let bad = 0;
  for (let i = 0; i < a.length; i++) {
    let x = a[i] as number;
    if (!Number.isFinite(x)) {
      bad++;
      x = 0;
    } else if (x !== 0 && Math.abs(x) < TINY) w.exact = false;
    // W_i = W_{i−1} − S_{i−1} + n·x_i, where S is the plain sum of the previous window.
    w.add(-s.hi);
    w.add(-s.lo);
    const p = n * x;
    w.add(p);
    w.add(productError(n, x, p));
    s.add(x);
    if (i >= n) {
      const old = a[i - n] as number;
      if (Number.isFinite(old)) s.add(-old);
      else bad--;
    }
    if (!s.exact || !w.exact) return slowly(out, a, n, i, (win) => win.weighted);
    if (i >= n - 1) out[i] = bad > 0 ? NaN : w.hi;
  }
  return out;
}

type Pair = readonly [hi: number, lo: number];

interface Window {
  sum: Pair;
  hh: Pair;
  hl: Pair;
  ll: Pair;
  weighted: number;
}

/** Fills out[j] for j ≥ from, each window recomputed from scratch; NaN where it is not full or holds a non-finite value. */
function slowly(out: Float64Array, a: Float64Array, n: number, from: number, f: (w: Window) => number): Float64Array {
  for (let j = from; j < a.length; j++) {
    const w = j < n - 1 ? null : windowOf(a, j - n + 1, j + 1);
    out[j] = w === null ? NaN : f(w);
  }
  return out;
}

function windowOf(a: Float64Array, from: number, to: number): Window | null {
  const sums = [new ExactSum(), new ExactSum(), new ExactSum(), new ExactSum()] as const;
  const weighted: number[] = [];
  for (let j = from; j < to; j++) {
    const x = a[j] as number;
    if (!Number.isFinite(x)) return null;
    const h = splitHigh(x);
    const l = x - h;
    sums[0].add(x);
    sums[1].add(h * h);
    sums[2].add(h * l);
    sums[3].add(l * l);
    growProduct(weighted, j - from + 1, x);
  }
  const [sum, hh, hl, ll] = sums.map(pairOf) as [Pair, Pair, Pair, Pair];
  return { sum, hh, hl, ll, weighted: roundPartials(weighted) + 0 };
}

/** The correctly rounded exact sum and the correctly rounded remainder: a double-double's normal form. */
function pairOf(s: ExactSum): Pair {
  const hi = s.value() + 0;
  const rest = [...s.partials];
  grow(rest, -hi);
  return [hi, roundPartials(rest)];
}
