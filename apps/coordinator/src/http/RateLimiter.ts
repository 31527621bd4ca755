/**
 * At most `perWindow` requests per key (a remote address) in each window of `windowMs`, holding
 * at most `maxKeys` keys: past that the oldest window is dropped, so a flood of addresses cannot
 * grow it without bound.
 */
export class RateLimiter {
  readonly #perWindow: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #counts = new Map<string, { start: number; n: number }>();

  constructor(perWindow: number, windowMs: number, maxKeys = 10_000) {
    this.#perWindow = perWindow;
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
  }

  /** Counts one request for `key` at `now`; false when it is over the limit. */
  take(key: string, now: number): boolean {
    const seen = this.#counts.get(key);
    if (seen && now - seen.start < this.#windowMs) return ++seen.n <= this.#perWindow;
    this.#counts.delete(key);
    this.#counts.set(key, { start: now, n: 1 });
    if (this.#counts.size > this.#maxKeys) this.#counts.delete(this.#counts.keys().next().value!);
    return true;
  }
}
