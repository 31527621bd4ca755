import { LuaThrow } from "./values.ts";

/** The message a call stops with when its heap estimate passes maxMemoryBytes (as on the other engines). */
export const MEMORY_MESSAGE = "not enough memory";

/** Estimated bytes charged per object the compiled engine creates (V8 x64, rounded up). */
export const COMPILED_HEAP_COST = { table: 160, entry: 40, closure: 64, stringBase: 24 } as const;

/**
 * The heap guard of the running call (one call runs at a time per thread): allocations charge
 * `left`, `ts` results with their numbers' bytes too; when it goes below zero the heap is measured,
 * where the host can (Node: the V8 heap plus array buffers, which hold `ts` results' numbers outside
 * it). Measured over the limit, dead objects may be what fills it (array buffers are only freed by a
 * full collection, which V8 starts by its own limits, not ours), so a full collection is forced and
 * the heap measured again: the call continues if what it really holds is under the limit, else stops
 * with {@link MEMORY_MESSAGE}, which pcall cannot catch. Without a measure (browsers) the charges are
 * the truth: they count every allocation and result of the call, collected or not, so a call
 * churning through more than the limit in temporaries stops early.
 */
export const heap = { left: Infinity, limit: Infinity, base: 0, where: (): string => "" };

interface NodeProcess {
  memoryUsage?: () => { heapUsed: number; arrayBuffers: number };
  getBuiltinModule?: (id: string) => unknown;
}
const nodeProcess = (globalThis as { process?: NodeProcess }).process;

const measure: (() => number) | undefined =
  typeof nodeProcess?.memoryUsage === "function"
    ? () => {
        const m = nodeProcess.memoryUsage!();
        return m.heapUsed + m.arrayBuffers;
      }
    : undefined;

let collector: (() => void) | null | undefined;

/** A full garbage collection, where the host allows one (Node, by exposing V8's `gc` to a fresh context); null elsewhere. Made on first use. */
function fullCollection(): (() => void) | null {
  if (collector !== undefined) return collector;
  collector = null;
  try {
    const v8 = nodeProcess?.getBuiltinModule?.("node:v8") as { setFlagsFromString(flags: string): void } | undefined;
    const vm = nodeProcess?.getBuiltinModule?.("node:vm") as { runInNewContext(code: string): unknown } | undefined;
    if (v8 === undefined || vm === undefined) return collector;
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc");
    if (typeof gc === "function") collector = gc as () => void;
  } catch {
    // A host that refuses (a locked-down thread stubbing these): decide on the measure alone.
  }
  return collector;
}

/** The least heap measured since the last full collection: what the host surely held then. */
let leastSeen = Infinity;

/**
 * Starts a call's heap guard with `limit` bytes; `where` gives the position its error names (the
 * innermost call's). The call's base is the heap measured now, garbage included: a collection in
 * the call frees that garbage and hides as much of what the call holds. So when the heap has grown
 * by more than a quarter of the limit since the least measured, a full collection comes first,
 * which bounds the hidden part by a quarter of the limit at the cost of a collection per quarter
 * of the limit the host's heap grows across calls.
 */
export function startHeap(limit: number, where: () => string = () => ""): void {
  heap.where = where;
  heap.limit = limit;
  heap.left = limit;
  if (measure === undefined) return;
  let base = measure();
  if (limit !== Infinity && base - leastSeen > limit / 4 && fullCollection() !== null) {
    collector!();
    leastSeen = Infinity;
    base = measure();
  }
  leastSeen = Math.min(leastSeen, base);
  heap.base = base;
}

/** Charges `bytes` to the running call's heap estimate. */
export function chargeHeap(bytes: number): void {
  if ((heap.left -= bytes) < 0) overdrawn();
}

function overdrawn(): void {
  if (heap.limit === Infinity) return;
  if (measure !== undefined) {
    let held = measure() - heap.base;
    // V8 may sweep array buffers on a background thread after a collection, counting them until it
    // ends; the next collection waits for that sweep, so a second one sees what the first freed.
    for (let i = 0; i < 2 && held >= heap.limit && fullCollection() !== null; i++) {
      collector!();
      held = measure() - heap.base;
    }
    // Measured under the limit: charge on from what is really held, with at least an eighth of the limit to go.
    if (held < heap.limit) {
      heap.left = Math.max(heap.limit - held, heap.limit / 8);
      return;
    }
  }
  heap.left = 0;
  throw new LuaThrow(heap.where() + MEMORY_MESSAGE, true, "memory");
}
