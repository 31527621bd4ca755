import type { Series } from "./Series.ts";

const INITIAL_CAPACITY = 256;

/** Two rows of one key with the same time, identified by their physical lines. */
export interface Duplicate {
  key: string;
  time: number;
  line: number;
  firstLine: number;
}

/**
 * Accumulates one key's rows in doubling Float64Array buffers (no per-row objects), then orders
 * them by time, stably, and reports the earliest duplicate time.
 */
export class SeriesBuilder {
  readonly key: string;
  #time: Float64Array;
  #columns: Float64Array[];
  #lines: Uint32Array;
  #length = 0;
  #ascending = true;
  #strict = true;
  #descending = true;

  constructor(key: string, columnCount: number) {
    this.key = key;
    this.#time = new Float64Array(INITIAL_CAPACITY);
    this.#columns = Array.from({ length: columnCount }, () => new Float64Array(INITIAL_CAPACITY));
    this.#lines = new Uint32Array(INITIAL_CAPACITY);
  }

  /** Appends one row; `values` holds one number per column and is copied. */
  append(time: number, line: number, values: Float64Array): void {
    const row = this.#length;
    if (row === this.#time.length) this.#grow();
    if (row > 0) {
      const previous = this.#time[row - 1]!;
      if (time <= previous) {
        this.#strict = false;
        if (time < previous) this.#ascending = false;
      }
      if (time >= previous) this.#descending = false;
    }
    this.#time[row] = time;
    this.#lines[row] = line;
    const columns = this.#columns;
    for (let j = 0; j < columns.length; j++) columns[j]![row] = values[j]!;
    this.#length = row + 1;
  }

  /** The finished series with columns named by `names`, plus its earliest duplicate time if any. */
  build(names: readonly string[]): { series: Series; duplicate: Duplicate | undefined } {
    const n = this.#length;
    const order = this.#ascending ? undefined : this.#order();
    const arrange = (array: Float64Array): Float64Array =>
      order === undefined ? fit(array, n) : permute(array, order);
    const time = arrange(this.#time);
    const columns = this.#columns.map(arrange);
    const duplicate = this.#strict ? undefined : this.#firstDuplicate(time, order);
    const series = { key: this.key, time, columns: Object.fromEntries(names.map((name, j) => [name, columns[j]!])) };
    return { series, duplicate };
  }

  /** Row indexes in stable time order; newest-first files are simply reversed. */
  #order(): number[] {
    const n = this.#length;
    if (this.#descending) return Array.from({ length: n }, (_, i) => n - 1 - i);
    const time = this.#time;
    return Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a]! - time[b]!);
  }

  /** The repeated time whose second occurrence comes first in the file. */
  #firstDuplicate(time: Float64Array, order: readonly number[] | undefined): Duplicate | undefined {
    const lineAt = (i: number): number => this.#lines[order === undefined ? i : order[i]!]!;
    let at = -1;
    for (let i = 1; i < time.length; i++) {
      if (time[i] === time[i - 1] && (at < 0 || lineAt(i) < lineAt(at))) at = i;
    }
    if (at < 0) return undefined;
    let first = at - 1;
    while (first > 0 && time[first - 1] === time[at]) first--;
    return { key: this.key, time: time[at]!, line: lineAt(at), firstLine: lineAt(first) };
  }

  #grow(): void {
    const capacity = this.#time.length * 2;
    this.#time = grown(this.#time, capacity);
    this.#columns = this.#columns.map((column) => grown(column, capacity));
    const lines = new Uint32Array(capacity);
    lines.set(this.#lines);
    this.#lines = lines;
  }
}

function grown(array: Float64Array, capacity: number): Float64Array {
  const next = new Float64Array(capacity);
  next.set(array);
  return next;
}

function fit(array: Float64Array, length: number): Float64Array {
  return array.length === length ? array : array.slice(0, length);
}

function permute(array: Float64Array, order: readonly number[]): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = array[order[i]!]!;
  return out;
}
