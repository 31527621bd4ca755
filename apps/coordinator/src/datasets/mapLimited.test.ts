import { describe, expect, it } from "vitest";
import { mapLimited } from "./mapLimited.ts";

describe("mapLimited", () => {
  it("keeps the order and never has more than the limit in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimited(Array.from({ length: 50 }, (_, i) => i), 4, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(most).toBe(4);
  });

  it("handles no items, and passes a failure on", async () => {
    expect(await mapLimited([], 8, () => Promise.resolve(1))).toEqual([]);
    await expect(mapLimited([1, 2, 3], 2, (n) => (n === 2 ? Promise.reject(new Error("two")) : Promise.resolve(n)))).rejects.toThrow("two");
  });
});
