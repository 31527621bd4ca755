const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Which of `words` holds a double's sign and exponent (the high word: index 1 on little-endian hosts). */
const HIGH = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0;

/** The biased exponent field of `x` (0 for zeros and subnormals). */
export function biasedExponent(x: number): number {
  bits[0] = x;
  return ((words[HIGH] as number) >>> 20) & 0x7ff;
}

/**
 * The sum of each trailing window of `n` values, divided by `divisor` (NaN before the window
 * fills), exactly as rollingExactSum defines it, computed with plain double additions when
 * the values allow it; undefined when they do not (the caller then takes an exact pass that
 * handles anything).
 *
 * Every finite value x is split at a fixed binary point 2^K into x = h + l, h a multiple of 2^K
 * and |l| ≤ 2^(K−1). With K chosen from the largest magnitude and n, every window sum of the h
 * is a multiple of 2^K below 2^(53+K), and, when the smallest value's ulp is fine enough for
 * that K, every window sum of the l is a multiple of that ulp below 2^53 of it: both sums are
 * then exact in plain doubles, whatever the order, and one rounded addition h-sum + l-sum is the
 * correctly rounded window sum. That holds for any data spanning fewer than about 100 − 2·log2(n)
 * binary orders (prices, returns), at two independent additions per value instead of a
 * double-double's dependent chain of about twenty flops.
 */
export function splitWindowSum(a: Float64Array, n: number, divisor: number): Float64Array | undefined {
  let largest = 0;
  let smallest = Infinity;
  for (let i = 0; i < a.length; i++) {
    const m = Math.abs(a[i] as number);
    if (m - m !== 0 || m === 0) continue; // not finite, or a zero, which any sum holds exactly
    if (m > largest) largest = m;
    if (m < smallest) smallest = m;
  }
  let binades = 2; // L: 2^L ≥ 2n + 2, so n values of magnitude ≤ 2^B sum below 2^(B+L−1)
  while (2 ** binades < 2 * n + 2) binades++;
  let K = 0;
  if (largest > 0) {
    const eMax = biasedExponent(largest);
    const eMin = biasedExponent(smallest);
    const top = eMax === 0 ? -1022 : eMax - 1022; // B: every |x| < 2^B
    const ulp = eMin === 0 ? -1074 : eMin - 1075; // log2 of the smallest value's ulp, which divides every value
    K = top + binades - 53;
    if (ulp < K + binades - 53 || K + 53 > 1023 || K + 52 < -1022) return undefined;
  }
  const C = 1.5 * 2 ** (K + 52); // x + C − C rounds |x| < 2^(K+51) to a multiple of 2^K
  const out = new Float64Array(a.length);
  let high = 0;
  let low = 0;
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  // ExactSum's sum is −0 exactly while every finite value it has seen is −0 and none was
  // removed: track the first finite value and the first finite value that is not −0.
  let firstFinite = -1;
  let firstOther = -1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    let dh = 0;
    let dl = 0;
    if (x - x === 0) {
      const h = x + C - C;
      dh = h;
      dl = x - h;
      if (firstFinite < 0) firstFinite = i;
      if (firstOther < 0 && !Object.is(x, -0)) firstOther = i;
    } else if (x !== x) nan++;
    else if (x > 0) posInf++;
    else negInf++;
    if (i >= n) {
      const old = a[i - n] as number;
      if (old - old === 0) {
        const h = old + C - C;
        dh -= h;
        dl -= old - h;
      } else if (old !== old) nan--;
      else if (old > 0) posInf--;
      else negInf--;
    }
    high += dh;
    low += dl;
    if (i < n - 1) {
      out[i] = NaN;
      continue;
    }
    let sum: number;
    if (nan > 0 || (posInf > 0 && negInf > 0)) sum = NaN;
    else if (posInf > 0) sum = Infinity;
    else if (negInf > 0) sum = -Infinity;
    else sum = firstFinite > i - n && firstOther < 0 ? -0 : high + low + 0;
    out[i] = sum / divisor;
  }
  return out;
}
