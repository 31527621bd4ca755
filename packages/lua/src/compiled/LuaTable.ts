import { COMPILED_HEAP_COST, chargeHeap, heap } from "./memory.ts";
import { LuaFloat, doubleToInt, isBoxedFloat, type LuaTableLike, type LuaValue } from "./values.ts";

let nextId = 1;

/** Restarts table ids (what `tostring` shows) so a call's output never depends on earlier calls. */
export function resetTableIds(): void {
  nextId = 1;
}

/** Whether `v` is a table: a brand test, fast however the class was loaded (see isBoxedFloat). */
export function isTable(v: LuaValue): v is LuaTable {
  return typeof v === "object" && (v as Partial<LuaTable>).isLuaTable === true;
}

/**
 * A Lua table: an array part for keys 1..n and a Map for the rest, never a JS object with
 * Lua keys as properties, so no Lua key can reach a prototype. Iteration is deterministic:
 * the array part in order, then the other keys in insertion order.
 */
export class LuaTable implements LuaTableLike {
  readonly isLuaTable = true;
  /** Values of keys 1..arr.length; the last one is never nil (a constructor may leave nils before it). */
  arr: LuaValue[] = [];
  hash = new Map<unknown, LuaValue>();
  metatable: LuaTable | undefined;
  /**
   * True while `arr` is an array this table shares (a `series` column kept by ColumnCache): read
   * it freely, but the first write copies it. Every write to `arr` goes through {@link set}, or
   * through the compiled code's inline store, which tests this first.
   */
  borrowed = false;
  /** A number for `tostring`, in creation order. */
  readonly id = nextId++;
  #iter: Iterator<[unknown, LuaValue]> | undefined;
  #iterKey: unknown;

  constructor() {
    chargeHeap(COMPILED_HEAP_COST.table);
  }

  /** The raw value at `key` (no metamethods). */
  get(key: LuaValue): LuaValue {
    if (isBoxedFloat(key)) {
      const k = doubleToInt(key.n);
      if (k === undefined) return this.hash.get(key.n);
      key = k;
    }
    if (typeof key === "number") {
      const arr = this.arr;
      if (key >= 1 && key <= arr.length && Number.isInteger(key)) return arr[key - 1];
    }
    return this.hash.get(key);
  }

  /** Sets the raw value at `key`; the caller has refused nil and NaN keys. */
  set(key: LuaValue, value: LuaValue): void {
    if (this.borrowed) {
      this.arr = this.arr.slice();
      this.borrowed = false;
    }
    let k: unknown = key;
    if (isBoxedFloat(key)) k = doubleToInt(key.n) ?? key.n;
    const arr = this.arr;
    if (typeof k === "number" && Number.isInteger(k)) {
      const n = arr.length;
      if (k >= 1 && k <= n) {
        arr[k - 1] = value;
        if (value === undefined && k === n) {
          while (arr.length > 0 && arr[arr.length - 1] === undefined) arr.pop();
        }
        return;
      }
      if (k === n + 1 && value !== undefined) {
        if ((heap.left -= COMPILED_HEAP_COST.entry) < 0) chargeHeap(0);
        arr.push(value);
        this.hash.delete(k);
        this.#migrate();
        return;
      }
    }
    if (value === undefined) this.hash.delete(k);
    else {
      if (!this.hash.has(k)) chargeHeap(COMPILED_HEAP_COST.entry);
      this.hash.set(k, value);
    }
  }

  /** Moves keys n+1, n+2… from the map into the array part after it grew to n. */
  #migrate(): void {
    const hash = this.hash;
    if (hash.size === 0) return;
    for (;;) {
      const k = this.arr.length + 1;
      const v = hash.get(k);
      if (v === undefined) return;
      hash.delete(k);
      this.arr.push(v);
    }
  }

  /** The border `#` gives without __len. */
  length(): number {
    return this.arr.length;
  }

  /**
   * `next`: the key and value after `key` (nil starts), or undefined at the end. A traversal
   * that asks for the key it just got continues a cached iterator, so `pairs` is linear.
   */
  next(key: LuaValue): [LuaValue, LuaValue] | undefined | "invalid" {
    const arr = this.arr;
    let i = 0;
    if (key === undefined) i = 0;
    else if (typeof key === "number" && Number.isInteger(key) && key >= 1 && key <= arr.length) i = key;
    else return this.#nextHash(key);
    for (; i < arr.length; i++) if (arr[i] !== undefined) return [i + 1, arr[i]];
    this.#iter = this.hash.entries();
    this.#iterKey = undefined;
    return this.#advance();
  }

  #nextHash(key: LuaValue): [LuaValue, LuaValue] | undefined | "invalid" {
    const k = key instanceof LuaFloat ? (doubleToInt(key.n) ?? key.n) : key;
    if (this.#iter === undefined || this.#iterKey !== k) {
      this.#iter = this.hash.entries();
      for (;;) {
        const r = this.#iter.next();
        if (r.done) return "invalid";
        if (r.value[0] === k) break;
      }
    }
    return this.#advance();
  }

  #advance(): [LuaValue, LuaValue] | undefined {
    const it = this.#iter!;
    for (;;) {
      const r = it.next();
      if (r.done) {
        this.#iter = undefined;
        return undefined;
      }
      const [k, v] = r.value;
      if (v === undefined) continue;
      this.#iterKey = k;
      const key = typeof k === "number" && Number.isInteger(k) && !Number.isSafeInteger(k) ? new LuaFloat(k) : (k as LuaValue);
      return [key, v];
    }
  }
}
