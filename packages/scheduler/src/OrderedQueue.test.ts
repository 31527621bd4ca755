import { describe, expect, it } from "vitest";
import { OrderedQueue } from "./OrderedQueue.ts";

describe("OrderedQueue", () => {
  it("finds the smallest accepted index whatever the insertion order", () => {
    const q = new OrderedQueue();
    for (const i of [5, 1, 9, 3, 1]) q.add(i);
    expect(q.size).toBe(4);
    expect(q.find(() => true)).toBe(1);
    expect(q.find((i) => i > 3)).toBe(5);
    q.delete(1);
    q.delete(4);
    expect([q.has(1), q.has(3), q.size]).toEqual([false, true, 3]);
    q.clear();
    expect(q.find(() => true)).toBeUndefined();
  });

  it("agrees with a sorted set over long runs of adds and deletes, mostly from the front", () => {
    const q = new OrderedQueue();
    const model = new Set<number>();
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 5000; i++) {
      q.add(i);
      model.add(i);
    }
    for (let step = 0; step < 20_000; step++) {
      // Half the steps take the front (as picking does), four in ten add anywhere, one in ten deletes anywhere.
      const roll = next(10);
      const index = roll < 5 ? (model.size ? Math.min(...model) : 0) : next(6000);
      if (roll < 5 || roll === 9) {
        q.delete(index);
        model.delete(index);
      } else {
        q.add(index);
        model.add(index);
      }
      if (step % 997 === 0) {
        expect(q.size).toBe(model.size);
        expect(q.find(() => true)).toBe(model.size ? Math.min(...model) : undefined);
        expect(q.has(index)).toBe(model.has(index));
      }
    }
    const rest = [...model].sort((a, b) => a - b);
    const seen: number[] = [];
    q.find((i) => (seen.push(i), false));
    expect(seen).toEqual(rest);
  });
});
