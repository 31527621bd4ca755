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
});
