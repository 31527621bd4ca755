const SPLITTER = 134217729; // 2^27 + 1, Dekker's split of a double into two 26-bit halves

/**
 * An exact running sum of finite doubles (Shewchuk's non-overlapping partials, as in
 * Python's math.fsum) that can also subtract. `value()` is the correctly rounded sum of
 * what was added, so a rolling window's sum depends only on the values in the window —
 * never on history or on the order values arrived in. Non-finite values are counted
 * separately and decide the result the way IEEE addition would.
 */
export class ExactSum {
  #partials: number[] = [];
  #nan = 0;
  #posInf = 0;
  #negInf = 0;

  add(x: number): void {
    if (Number.isFinite(x)) grow(this.#partials, x);
    else if (Number.isNaN(x)) this.#nan++;
    else if (x > 0) this.#posInf++;
    else this.#negInf++;
  }

  /** Removes a value added before. */
  remove(x: number): void {
    if (Number.isFinite(x)) grow(this.#partials, -x);
    else if (Number.isNaN(x)) this.#nan--;
    else if (x > 0) this.#posInf--;
    else this.#negInf--;
  }

  /** Whether every value added (and not removed) is finite. */
  get finite(): boolean {
    return this.#nan === 0 && this.#posInf === 0 && this.#negInf === 0;
  }

  /** The exact (finite) part as non-overlapping partials, smallest magnitude first. */
  get partials(): readonly number[] {
    return this.#partials;
  }

  /** The correctly rounded sum. */
  value(): number {
    if (this.#nan > 0 || (this.#posInf > 0 && this.#negInf > 0)) return NaN;
    if (this.#posInf > 0) return Infinity;
    if (this.#negInf > 0) return -Infinity;
    return roundPartials(this.#partials);
  }
}

/** Adds `x` to the partials exactly (Shewchuk's grow-expansion, as in math.fsum). */
export function grow(partials: number[], x: number): void {
  let i = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j] as number;
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  partials.length = i;
  partials.push(x);
}

/** Rounds non-overlapping partials to the nearest double (ties to even), as math.fsum does. */
export function roundPartials(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n] as number;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n] as number;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  if (n > 0) {
    const next = partials[n - 1] as number;
    if ((lo < 0 && next < 0) || (lo > 0 && next > 0)) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
  }
  return hi;
}

/** Adds the exact product a·b to the partials (Dekker's two-product). */
export function growProduct(partials: number[], a: number, b: number): void {
  const p = a * b;
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  const err = al * bl - (p - ah * bh - al * bh - ah * bl);
  grow(partials, p);
  if (err !== 0) grow(partials, err);
}

const scratch: number[] = [];

/**
 * Sample variance from exact sums S1 = Σx and S2 = Σx² of `n` values: the numerator
 * n·S2 − S1² is formed exactly and rounded once, so the result depends only on the values.
 */
export function varianceOf(n: number, s1: ExactSum, s2: ExactSum): number {
  if (n < 2 || !s1.finite || !s2.finite) return NaN;
  const num = scratch;
  num.length = 0;
  for (const s of s2.partials) growProduct(num, n, s);
  const p = s1.partials;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as number;
    growProduct(num, -a, a);
    for (let j = i + 1; j < p.length; j++) growProduct(num, -2 * a, p[j] as number);
  }
  const numerator = roundPartials(num);
  return numerator <= 0 ? 0 : numerator / (n * (n - 1));
}

/** Adds x² exactly to `s` (or removes it), keeping S2 exact for varianceOf. */
export function addSquare(s: ExactSum, x: number, sign: 1 | -1): void {
  if (!Number.isFinite(x)) {
    if (sign === 1) s.add(x * x);
    else s.remove(x * x);
    return;
  }
  const p = x * x;
  const c = SPLITTER * x;
  const xh = c - (c - x);
  const xl = x - xh;
  const err = xl * xl - (p - xh * xh - 2 * xh * xl);
  if (sign === 1) {
    s.add(p);
    if (err !== 0) s.add(err);
  } else {
    s.remove(p);
    if (err !== 0) s.remove(err);
  }
}
