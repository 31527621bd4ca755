import { float, type LuaValue } from "./values.ts";

/** Estimated bytes of one kept element: its slot (and 8 more for its bits), and the box of an integral float. */
const SLOT_BYTES = 8;
const BOX_BYTES = 56;

/** A column's numbers as Lua floats in a fresh JS array (integral ones boxed), built by pushing: far faster than `Array.from(a, float)`. */
export function floatArray(a: Float64Array): LuaValue[] {
  const out: LuaValue[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    out.push(Number.isInteger(x) ? float(x) : x);
  }
  return out;
}

interface Entry {
  /** Weakly: a kept entry must not hold a whole shard's bytes alive. */
  buffer: WeakRef<ArrayBufferLike>;
  byteOffset: number;
  length: number;
  /** The column's bits when `items` was built from it. */
  bits: Int32Array;
  items: LuaValue[];
  bytes: number;
}

/**
 * The `series` columns of recent calls as Lua arrays, so a call over the same column as an earlier
 * one reads the array built then rather than converting a million numbers again. The arrays given
 * out are shared and must not be written: a LuaTable holding one is marked `borrowed` and copies it
 * on its first write, so what one call writes into its column no other call sees. A kept array is
 * used only while the column's bits still equal a copy kept beside it (compared as integers, so
 * NaN payloads and -0 count), so a column whose bytes changed under the same typed array is
 * converted again. The key (buffer, offset, length) only picks which kept array to try. Bounded by
 * entries and by estimated bytes (the kept bits included), the least recently used going first; a
 * column larger than the byte bound is converted and not kept.
 */
export class ColumnCache {
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  /** Least recently used first. */
  readonly #entries: Entry[] = [];
  #bytes = 0;

  constructor(maxEntries: number, maxBytes: number) {
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  /** Columns kept and their estimated bytes. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.#entries.length, bytes: this.#bytes };
  }

  /** `column` as an array of Lua floats, shared with other callers: never write it. */
  convert(column: Float64Array): readonly LuaValue[] {
    const at = this.#entries.findIndex((e) => e.buffer.deref() === column.buffer && e.byteOffset === column.byteOffset && e.length === column.length);
    const bits = new Int32Array(column.buffer, column.byteOffset, column.length * 2);
    if (at >= 0) {
      const entry = this.#entries[at]!;
      this.#entries.splice(at, 1);
      if (sameBits(entry.bits, bits)) {
        this.#entries.push(entry);
        return entry.items;
      }
      this.#bytes -= entry.bytes;
    }
    const items = floatArray(column);
    let boxed = 0;
    for (const v of items) if (typeof v === "object") boxed++;
    const bytes = items.length * (SLOT_BYTES + 8) + boxed * BOX_BYTES;
    if (bytes > this.#maxBytes || this.#maxEntries === 0) return items;
    while (this.#entries.length >= this.#maxEntries || this.#bytes + bytes > this.#maxBytes) this.#bytes -= this.#entries.shift()!.bytes;
    this.#entries.push({ buffer: new WeakRef(column.buffer), byteOffset: column.byteOffset, length: column.length, bits: bits.slice(), items, bytes });
    this.#bytes += bytes;
    return items;
  }

  clear(): void {
    this.#entries.length = 0;
    this.#bytes = 0;
  }
}

function sameBits(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The columns of this thread's recent calls (one call runs at a time per thread): 8 columns, at most 64 MB. */
export const columnCache = new ColumnCache(8, 64 * 1024 * 1024);
