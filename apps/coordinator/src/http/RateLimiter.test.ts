import { describe, expect, it } from "vitest";
import { RateLimiter } from "./RateLimiter.ts";

describe("RateLimiter", () => {
  it("lets a key make its share in each window, then refuses it until the next", () => {
    const limiter = new RateLimiter(3, 1_000);
    expect([0, 1, 2, 3].map((t) => limiter.take("a", t))).toEqual([true, true, true, false]);
    expect(limiter.take("b", 4)).toBe(true);
    expect(limiter.take("a", 1_000)).toBe(true);
  });

  it("holds at most its number of keys, dropping the oldest window first", () => {
    const limiter = new RateLimiter(1, 1_000, 2);
    expect(limiter.take("a", 0)).toBe(true);
    expect(limiter.take("a", 1)).toBe(false);
    limiter.take("b", 2);
    limiter.take("c", 3);
    // "a" was dropped to hold three keys in two slots: it starts a new window.
    expect(limiter.take("a", 4)).toBe(true);
  });
});
