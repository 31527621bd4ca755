import { ExactSum, addSquare } from "./ExactSum.ts";
import { productError } from "../quant/WindowSum.ts";
import { biasedExponent } from "./splitWindowSum.ts";

/** The exact sums behind ts.sum, ts.mean and ts.std: S1 = Σx and, when asked, S2 = Σx² over the `n` non-NaN values. */
export interface Moments {
  n: number;
  s1: ExactSum;
  s2: ExactSum;
}

/**
 * Σx (and Σx² when `squares`) of the non-NaN values of `a`, exactly: the ExactSums hold the
 * same exact values as {@link onExactSums}, the definition, so every result rounded from them
 * (ExactSum.value, varianceOf) is the same bits. Runs on a few plain double accumulators
 * (levelSplits) when the values allow it, as almost all data do, else on the definition.
 */
export function exactMoments(a: Float64Array, squares: boolean): Moments {
  return onLevels(a, squares) ?? onExactSums(a, squares);
}

/** The definition: every non-NaN value added to an ExactSum (and its square, exactly, to another). */
export function onExactSums(a: Float64Array, squares: boolean): Moments {
  const s1 = new ExactSum();
  const s2 = new ExactSum();
  let n = 0;
  for (const x of a) {
    if (Number.isNaN(x)) continue;
    s1.add(x);
    if (squares) addSquare(s2, x, 1);
    n++;
  }
  return { n, s1, s2 };
}

/** Beyond these binary orders the fast pass declines, so that squares and varianceOf's products stay exact and normal. */
const TOP_LIMIT = 400;
const ULP_LIMIT = -400;
/** More splits than this cost more than they save. */
const MAX_LEVELS = 6;

/**
 * The rounding constants C = 1.5·2^(K+52) of split points K₀ > K₁ > … that make summing
 * `count` finite values exact in plain doubles, or undefined when too many are needed. Every
 * value is below 2^top in magnitude and a multiple of 2^ulp. As in splitWindowSum: with
 * 2^L ≥ 2·count + 2 and K₀ = top + L − 53, x + C₀ − C₀ rounds x to h₀, a multiple of 2^K₀
 * whose sum over all values stays below 2^(K₀+53), so plain addition of the h₀ is exact; the
 * remainder x − h₀ (exact, |x − h₀| ≤ 2^(K₀−1)) is split again at K₁ = K₀ − (53 − L), and so
 * on, until the last remainders are multiples of 2^ulp fine enough (ulp ≥ K + L − 53) to sum
 * exactly too. Each accumulator then holds an exact partial sum, and together the exact total.
 */
export function levelSplits(top: number, ulp: number, count: number): Float64Array | undefined {
  let L = 2;
  while (2 ** L < 2 * count + 2) L++;
  const step = 53 - L;
  if (step < 1) return undefined;
  const constants: number[] = [];
  for (let K = top + L - 53; ; K -= step) {
    if (K + 52 > 1023 || K + 52 < -1022 || constants.length === MAX_LEVELS) return undefined;
    constants.push(1.5 * 2 ** (K + 52));
    if (ulp >= K + L - 53) return Float64Array.from(constants);
  }
}

/** Adds x split at `c`'s points to `acc` (one accumulator per point, the last for the remainder). */
function addSplit(acc: Float64Array, c: Float64Array, x: number): void {
  let r = x;
  const levels = c.length;
  for (let j = 0; j < levels; j++) {
    const C = c[j] as number;
    const h = r + C - C;
    acc[j] = (acc[j] as number) + h;
    r -= h;
  }
  acc[levels] = (acc[levels] as number) + r;
}

function toExactSum(acc: Float64Array): ExactSum {
  const s = new ExactSum();
  for (const x of acc) s.add(x);
  return s;
}

/**
 * The fast pass, for finite values with a nonzero largest magnitude in [2^ULP_LIMIT, 2^TOP_LIMIT]
 * (others, infinities and all-zero inputs, take the definition). Squares enter as x·x = p + e
 * (Dekker's exact product), p and e each on their own split points.
 */
function onLevels(a: Float64Array, squares: boolean): Moments | undefined {
  let n = 0;
  let largest = 0;
  let smallest = Infinity;
  for (let i = 0; i < a.length; i++) {
    const m = Math.abs(a[i] as number);
    if (m !== m) continue; // NaN: skipped, as reductions skip it
    if (m === Infinity) return undefined;
    n++;
    if (m === 0) continue; // either zero adds nothing once a nonzero value is in the sum
    if (m > largest) largest = m;
    if (m < smallest) smallest = m;
  }
  if (largest === 0) return undefined;
  const eMax = biasedExponent(largest);
  const eMin = biasedExponent(smallest);
  const top = eMax === 0 ? -1022 : eMax - 1022; // every |x| < 2^top
  const ulp = eMin === 0 ? -1074 : eMin - 1075; // every x is a multiple of 2^ulp
  if (top > TOP_LIMIT || ulp < ULP_LIMIT) return undefined;
  const c1 = levelSplits(top, ulp, n);
  // x² < 2^(2·top) rounds to p ≤ 2^(2·top); |e| ≤ ulp(p) / 2 ≤ 2^(2·top − 52); both are multiples of 2^(2·ulp).
  const cp = squares ? levelSplits(2 * top + 1, 2 * ulp, n) : new Float64Array(0);
  const ce = squares ? levelSplits(2 * top - 51, 2 * ulp, n) : new Float64Array(0);
  if (c1 === undefined || cp === undefined || ce === undefined) return undefined;
  const acc1 = new Float64Array(c1.length + 1);
  const accP = new Float64Array(cp.length + 1);
  const accE = new Float64Array(ce.length + 1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (x !== x) continue;
    addSplit(acc1, c1, x);
    if (!squares) continue;
    const p = x * x;
    addSplit(accP, cp, p);
    addSplit(accE, ce, productError(x, x, p));
  }
  const s2 = toExactSum(accP);
  for (const x of accE) s2.add(x);
  return { n, s1: toExactSum(acc1), s2 };
}
