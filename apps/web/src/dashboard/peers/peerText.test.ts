import { describe, expect, it } from "vitest";
import { asJobId } from "@shoal/protocol";
import { heardText, moreTasksText, runtimeText, speedText } from "./peerText.ts";

describe("peer text", () => {
  it("names the runtime a hello gave, and a dash when it gave none", () => {
    expect([runtimeText("browser"), runtimeText("node"), runtimeText(null)]).toEqual(["Browser", "Node", "—"]);
  });

  it.each([
    [{ tasksPerMinute: 0, meanTaskMs: null, windowMs: 300_000 }, "—"],
    [{ tasksPerMinute: 1, meanTaskMs: 250, windowMs: 300_000 }, "1 task/min · 250 ms each"],
    [{ tasksPerMinute: 12.5, meanTaskMs: 1430, windowMs: 300_000 }, "12.5 tasks/min · 1.4 s each"],
    [{ tasksPerMinute: 0.2, meanTaskMs: 42_600, windowMs: 300_000 }, "0.2 tasks/min · 43 s each"],
    [{ tasksPerMinute: 3, meanTaskMs: null, windowMs: 300_000 }, "3 tasks/min"],
  ])("writes speed %j as %s", (speed, text) => {
    expect(speedText(speed)).toBe(text);
  });

  it("says how long ago in seconds, then minutes, never in the future", () => {
    const now = Date.parse("2026-12-01T06:00:00Z");
    expect(heardText("2026-12-01T05:59:56Z", now)).toBe("4 s ago");
    expect(heardText("2026-12-01T05:50:00Z", now)).toBe("10 min ago");
    expect(heardText("2026-12-01T06:00:03Z", now)).toBe("0 s ago");
  });

  it("counts the tasks held past those listed", () => {
    const task = { jobId: asJobId("j"), task: "map/1", attempt: 1 };
    expect(moreTasksText({ leases: 11, tasks: Array(8).fill(task) })).toBe("+3 more");
    expect(moreTasksText({ leases: 1, tasks: [task] })).toBe("");
  });
});
