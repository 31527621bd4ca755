/** Upper bounds (ms) of the task latency buckets: fine below 10 ms where trivial tasks live, coarse above. */
export const LATENCY_BUCKETS_MS = [0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

/**
 * A Prometheus-style histogram: counts per upper bound (cumulative when rendered), a sum and a
 * count; `quantile` estimates by linear interpolation inside the bucket, as Prometheus's
 * `histogram_quantile` does.
 */
export class Histogram {
  readonly bounds: readonly number[];
  readonly #counts: number[];
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[] = LATENCY_BUCKETS_MS) {
    this.bounds = bounds;
    this.#counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    this.#counts[i]!++;
    this.sum += value;
    this.count++;
  }

  /** Cumulative counts per bound, then `+Inf`, as the text format wants them. */
  cumulative(): Array<[string, number]> {
    let running = 0;
    return this.#counts.map((n, i) => [i < this.bounds.length ? String(this.bounds[i]) : "+Inf", (running += n)]);
  }

  /** The `q`-quantile (0..1), interpolated within its bucket; NaN when empty. */
  quantile(q: number): number {
    return quantileOf(this.cumulative(), q);
  }
}

/**
 * Estimates a quantile from cumulative bucket counts (`le` labels as strings, `+Inf` last) by
 * linear interpolation; values in the `+Inf` bucket are reported as the highest finite bound.
 */
export function quantileOf(buckets: ReadonlyArray<readonly [string, number]>, q: number): number {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of buckets) {
    const bound = le === "+Inf" ? lowerBound : Number(le);
    if (count >= rank) {
      if (le === "+Inf" || count === lowerCount) return bound;
      return lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}
