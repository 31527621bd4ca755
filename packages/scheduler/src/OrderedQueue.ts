/**
 * A set of task indexes iterated in ascending order, so the task picked next depends only on
 * which tasks are queued — not on the order they were queued in — and a restored scheduler
 * picks exactly what the original would have.
 */
export class OrderedQueue {
  readonly #items: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  has(index: number): boolean {
    const at = this.#search(index);
    return this.#items[at] === index;
  }

  add(index: number): void {
    const at = this.#search(index);
    if (this.#items[at] !== index) this.#items.splice(at, 0, index);
  }

  delete(index: number): void {
    const at = this.#search(index);
    if (this.#items[at] === index) this.#items.splice(at, 1);
  }

  /** The smallest index that passes `accept`. */
  find(accept: (index: number) => boolean): number | undefined {
    return this.#items.find(accept);
  }

  clear(): void {
    this.#items.length = 0;
  }

  #search(index: number): number {
    let lo = 0;
    let hi = this.#items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#items[mid] as number) < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
