/** Sizes of cached entries in least-recently-used order, for stores with a byte quota. */
export class LruIndex<K> {
  readonly #sizes = new Map<K, number>();
  #total = 0;

  get total(): number {
    return this.#total;
  }

  has(key: K): boolean {
    return this.#sizes.has(key);
  }

  keys(): K[] {
    return [...this.#sizes.keys()];
  }

  /** Marks `key` as just used. */
  touch(key: K): void {
    const size = this.#sizes.get(key);
    if (size === undefined) return;
    this.#sizes.delete(key);
    this.#sizes.set(key, size);
  }

  set(key: K, size: number): void {
    this.delete(key);
    this.#sizes.set(key, size);
    this.#total += size;
  }

  delete(key: K): void {
    const size = this.#sizes.get(key);
    if (size === undefined) return;
    this.#sizes.delete(key);
    this.#total -= size;
  }

  /** Keys to drop, oldest first, so that `incoming` more bytes fit in `quota`; never `keep`. */
  victims(incoming: number, quota: number, keep: K): K[] {
    const out: K[] = [];
    let total = this.#total;
    for (const [key, size] of this.#sizes) {
      if (total + incoming <= quota) break;
      if (key === keep) continue;
      out.push(key);
      total -= size;
    }
    return out;
  }
}
