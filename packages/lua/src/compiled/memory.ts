import { LuaThrow } from "./values.ts";

/** The message a call stops with when its heap estimate passes maxMemoryBytes (as on the other engines). */
export const MEMORY_MESSAGE = "not enough memory";

/** Estimated bytes charged per object the compiled engine creates (V8 x64, rounded up). */
export const COMPILED_HEAP_COST = { table: 160, entry: 40, closure: 64, stringBase: 24 } as const;

/**
 * The heap guard of the running call (one call runs at a time per thread): allocations charge
 * `left`; when it goes below zero the live heap is measured, where the host can (Node), and the
 * call continues if what it really holds is under the limit, else stops with {@link MEMORY_MESSAGE},
 * which pcall cannot catch. Without a measure (browsers) the charges are the truth: they count
 * every allocation, collected or not, so a call churning through temporaries may stop early.
 */
export const heap = { left: Infinity, limit: Infinity, base: 0, where: (): string => "" };

const measure: (() => number) | undefined = (() => {
  const p = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process;
  return typeof p?.memoryUsage === "function" ? () => p.memoryUsage!().heapUsed : undefined;
})();

/** Starts a call's heap guard with `limit` bytes; `where` gives the position its error names (the innermost call's). */
export function startHeap(limit: number, where: () => string = () => ""): void {
  heap.where = where;
  heap.limit = limit;
  heap.left = limit;
  heap.base = measure?.() ?? 0;
}

/** Charges `bytes` to the running call's heap estimate. */
export function chargeHeap(bytes: number): void {
  if ((heap.left -= bytes) < 0) overdrawn();
}

function overdrawn(): void {
  if (heap.limit === Infinity) return;
  if (measure !== undefined) {
    const held = measure() - heap.base;
    // Measured under the limit: charge on from what is really held, with at least an eighth of the limit to go.
    if (held < heap.limit) {
      heap.left = Math.max(heap.limit - held, heap.limit / 8);
      return;
    }
  }
  heap.left = 0;
  throw new LuaThrow(heap.where() + MEMORY_MESSAGE, true, "memory");
}
