import { WindowSum } from "../quant/WindowSum.ts";
import { ExactSum } from "./ExactSum.ts";
import { splitWindowSum } from "./splitWindowSum.ts";

/**
 * The sum of each trailing window of `n` values, divided by `divisor` (NaN before the window
 * fills), exactly as an ExactSum kept over the window gives it: the correctly rounded sum of
 * its finite values, NaN, ±Infinity by its non-finite ones as IEEE addition would decide.
 * Runs on plain doubles split at a fixed binary point (splitWindowSum: two additions a value)
 * when the values' range allows, else on a double-double WindowSum (about 15 dependent flops a
 * value) and, if that cannot stay exact (values spanning too many binary orders, overflow),
 * recomputes all on ExactSum, so the results never depend on which pass produced them.
 */
export function rollingExactSum(a: Float64Array, n: number, divisor: number): Float64Array {
  return splitWindowSum(a, n, divisor) ?? onWindowSum(a, n, divisor) ?? onExactSum(a, n, divisor);
}

function onWindowSum(a: Float64Array, n: number, divisor: number): Float64Array | undefined {
  const out = new Float64Array(a.length).fill(NaN);
  const s = new WindowSum();
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  // ExactSum's sum is −0 exactly while every finite value it has seen is −0 and none was
  // removed; WindowSum's never is, so track the first finite value and the first finite non −0.
  let firstFinite = -1;
  let firstOther = -1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (x - x === 0) {
      s.add(x);
      if (firstFinite < 0) firstFinite = i;
      if (firstOther < 0 && !Object.is(x, -0)) firstOther = i;
    } else if (x !== x) nan++;
    else if (x > 0) posInf++;
    else negInf++;
    if (i >= n) {
      const old = a[i - n] as number;
      if (old - old === 0) s.add(-old);
      else if (old !== old) nan--;
      else if (old > 0) posInf--;
      else negInf--;
    }
    if (!s.exact) return undefined;
    if (i < n - 1) continue;
    let sum: number;
    if (nan > 0 || (posInf > 0 && negInf > 0)) sum = NaN;
    else if (posInf > 0) sum = Infinity;
    else if (negInf > 0) sum = -Infinity;
    else sum = firstFinite > i - n && firstOther < 0 ? -0 : s.hi;
    out[i] = sum / divisor;
  }
  return out;
}

/** The definition the fast passes must equal bit for bit: one ExactSum kept over the window (tests compare against it). */
export function onExactSum(a: Float64Array, n: number, divisor: number): Float64Array {
  const out = new Float64Array(a.length).fill(NaN);
  const s = new ExactSum();
  for (let i = 0; i < a.length; i++) {
    s.add(a[i] as number);
    if (i >= n) s.remove(a[i - n] as number);
    if (i >= n - 1) out[i] = s.value() / divisor;
  }
  return out;
}
