/**
 * A set of task indexes iterated in ascending order, so the task picked next depends only on
 * which tasks are queued — not on the order they were queued in — and a restored scheduler
 * picks exactly what the original would have. Tasks mostly leave from the front (the lowest
 * index is picked first), so the front is a moving `#head` rather than a splice of the array.
 */
export class OrderedQueue {
  #items: number[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  has(index: number): boolean {
    const at = this.#search(index);
    return this.#items[at] === index && at < this.#items.length;
  }

  add(index: number): void {
    const at = this.#search(index);
    if (at < this.#items.length && this.#items[at] === index) return;
    if (at === this.#head && this.#head > 0) this.#items[--this.#head] = index;
    else this.#items.splice(at, 0, index);
  }

  delete(index: number): void {
    const at = this.#search(index);
    if (at >= this.#items.length || this.#items[at] !== index) return;
    if (at > this.#head) {
      this.#items.splice(at, 1);
      return;
    }
    this.#head++;
    if (this.#head === this.#items.length) this.clear();
    else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The smallest index that passes `accept`. */
  find(accept: (index: number) => boolean): number | undefined {
    for (let i = this.#head; i < this.#items.length; i++) {
      const index = this.#items[i] as number;
      if (accept(index)) return index;
    }
    return undefined;
  }

  clear(): void {
    this.#items.length = 0;
    this.#head = 0;
  }

  #search(index: number): number {
    let lo = this.#head;
    let hi = this.#items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#items[mid] as number) < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
