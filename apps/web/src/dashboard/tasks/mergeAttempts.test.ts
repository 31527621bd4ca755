import { describe, expect, it } from "vitest";
import type { AttemptView } from "@shoal/protocol";
import { mergeAttempts } from "./mergeAttempts.ts";

const a = (task: number, start: number, outcome: AttemptView["outcome"] = "running", attempt = 1): AttemptView => ({
  task,
  attempt,
  peer: "p",
  start,
  end: outcome === "running" ? null : start + 5,
  outcome,
});

describe("mergeAttempts", () => {
  it("replaces a changed attempt in place, adds new ones in start order, and keeps a retry apart from its first try", () => {
    const held = [a(0, 10), a(1, 20)];
    const merged = mergeAttempts(held, [a(1, 20, "result"), a(2, 15), a(0, 30, "running", 2)], 10);
    expect(merged).toEqual([a(0, 10), a(2, 15), a(1, 20, "result"), a(0, 30, "running", 2)]);
    expect(held).toEqual([a(0, 10), a(1, 20)]);
  });

  it("keeps only the latest `cap` attempts, as a full answer would", () => {
    expect(mergeAttempts([a(0, 10), a(1, 20)], [a(2, 30)], 2)).toEqual([a(1, 20), a(2, 30)]);
  });

  it("gives a copy of what it held when nothing changed", () => {
    const held = [a(0, 10)];
    const merged = mergeAttempts(held, [], 5);
    expect(merged).toEqual(held);
    expect(merged).not.toBe(held);
  });
});
