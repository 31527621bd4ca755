const SPLITTER = 134217729; // 2^27 + 1, Dekker's split of a double into two 26-bit halves
/** Beyond this magnitude Dekker's split overflows. */
const HUGE = 2 ** 995;

/**
 * A running sum kept as an unevaluated pair hi + lo (double-double) that flags the first
 * operation it cannot do exactly. While `exact` holds, hi + lo is the exact sum of what was
 * added, normalised so hi is that sum correctly rounded and lo the remainder; the pair then
 * depends only on the exact sum, not on the history that produced it. That is what makes a
 * rolling window over a slice with a halo agree bit for bit with the whole series, at about
 * 15 flops per value instead of an arbitrary-precision accumulator.
 */
export class WindowSum {
  hi = 0;
  lo = 0;
  exact = true;

  /** Adds a finite value (subtract by adding its negation). */
  add(x: number): void {
    const hi = this.hi;
    const s = hi + x;
    const bs = s - hi;
    const e = hi - (s - bs) + (x - bs);
    const lo = this.lo;
    const t = lo + e;
    const bt = t - lo;
    if (lo - (t - bt) + (e - bt) !== 0) this.exact = false; // also catches overflow (NaN)
    const h = s + t;
    const bh = h - s;
    this.lo = s - (h - bh) + (t - bh);
    this.hi = h + 0; // never −0
  }
}

/** Dekker's split of x into a high half with 26 significant bits and the exact rest; NaN halves when x is too large. */
export function splitHigh(x: number): number {
  if (!(Math.abs(x) < HUGE)) return NaN;
  const c = SPLITTER * x;
  return c - (c - x);
}

/** The rounding error of p = fl(a·b), exact barring underflow (Dekker's two-product). */
export function productError(a: number, b: number, p: number): number {
  const ah = splitHigh(a);
  const al = a - ah;
  const bh = splitHigh(b);
  const bl = b - bh;
  return al * bl - (p - ah * bh - al * bh - ah * bl);
}

/**
 * n·S2 − S1², where S2 = HH + 2·HL + LL, in double-double arithmetic from normalised pairs
 * of the exact sums: a deterministic function of those sums, accurate where the naive
 * formula cancels.
 */
export function centredSquares(
  n: number,
  s1hi: number,
  s1lo: number,
  hhhi: number,
  hhlo: number,
  hlhi: number,
  hllo: number,
  llhi: number,
  lllo: number,
): number {
  // S2 = HH + 2·HL + LL as a double-double (two-sum of the leading parts, the rest added once).
  let s = hhhi + 2 * hlhi;
  let b = s - hhhi;
  let e = hhhi - (s - b) + (2 * hlhi - b) + (hhlo + 2 * hllo);
  const t = s + llhi;
  b = t - s;
  e += s - (t - b) + (llhi - b) + lllo;
  const s2hi = t + e;
  const s2lo = e - (s2hi - t);
  // n·S2 − S1²
  const p = n * s2hi;
  const pe = productError(n, s2hi, p) + n * s2lo;
  const r = s1hi * s1hi;
  const re = productError(s1hi, s1hi, r) + 2 * s1hi * s1lo;
  s = p - r;
  b = s - p;
  e = p - (s - b) + (-r - b);
  return s + (e + (pe - re));
}
