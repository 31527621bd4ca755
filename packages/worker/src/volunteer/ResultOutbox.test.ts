import { describe, expect, it } from "vitest";
import type { TaskResultMessage } from "@shoal/protocol";
import { ResultOutbox } from "./ResultOutbox.ts";

const result = (taskId: string, attempt = 1): TaskResultMessage => ({ type: "task-result", taskId, attempt, result: { outputs: [1] }, log: [], instructions: 0, elapsedMs: 0 });

describe("ResultOutbox", () => {
  it("forgets sent outcomes past the window but keeps unsent ones for the next connection", () => {
    const box = new ResultOutbox({ windowMs: 100 });
    box.add(result("unsent"), 0, false);
    box.add(result("old"), 0, true);
    box.add(result("recent"), 50, true);
    box.add(result("new"), 150, true);
    expect([box.has("unsent", 1), box.has("old", 1), box.has("recent", 1), box.has("new", 1)]).toEqual([true, false, true, true]);
    expect(box.takeForResend(200).map((m) => m.taskId)).toEqual(["unsent", "new"]);
  });

  it("skips replaced and dropped outcomes when expiring, evicting and resending", () => {
    const box = new ResultOutbox({ windowMs: 100, maxEntries: 1000 });
    for (let i = 0; i < 5000; i++) box.add(result(`t${i % 1500}`), i / 100, true);
    expect(box.size).toBe(1000);
    // The last 1000 adds touched t1000..t1499, then t0..t499.
    expect(["t1000", "t1499", "t0", "t499", "t500", "t999"].map((id) => box.has(id, 1))).toEqual([true, true, true, true, false, false]);
    box.drop(new Set(["t1499", "t700"]));
    box.add(result("late"), 60, false);
    const resent = box.takeForResend(60).map((m) => m.taskId);
    expect(resent).toHaveLength(1000);
    expect(resent[0]).toBe("late");
    expect(resent).not.toContain("t1499");
    expect(new Set(resent).size).toBe(resent.length);
    box.add(result("after"), 161, true);
    expect(box.size).toBe(1);
  });

  it("keeps a re-sent outcome as long as a new one, and bounds the count", () => {
    const box = new ResultOutbox({ windowMs: 100, maxEntries: 3 });
    box.add(result("a"), 0, true);
    box.add(result("b"), 10, true);
    box.add(result("a"), 90, true);
    box.add(result("c"), 150, true);
    expect([box.has("a", 1), box.has("b", 1), box.has("c", 1)]).toEqual([true, false, true]);
    for (const id of ["d", "e", "f"]) box.add(result(id), 160, true);
    expect(box.size).toBe(3);
    expect(box.has("a", 1)).toBe(false);
  });
});
