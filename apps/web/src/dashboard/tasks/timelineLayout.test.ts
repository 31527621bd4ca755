import { describe, expect, it } from "vitest";
import type { AttemptView } from "@shoal/protocol";
import { throughputSeries, timelineLayout } from "./timelineLayout.ts";

const attempt = (task: number, peer: string, start: number, end: number | null, outcome: AttemptView["outcome"] = "result", n = 1): AttemptView => ({
  task,
  attempt: n,
  peer,
  start,
  end,
  outcome,
});

describe("timelineLayout", () => {
  it("gives each volunteer a lane in order of its first attempt, a retry its own bar, and overlapping attempts their own rows", () => {
    const layout = timelineLayout([attempt(1, "b", 50, 80), attempt(0, "a", 10, 40, "timeout"), attempt(0, "b", 45, 60, "result", 2), attempt(2, "b", 60, 70)], 100);
    expect(layout.lanes).toEqual([
      { peer: "a", first: 0, rows: 1 },
      { peer: "b", first: 1, rows: 2 },
    ]);
    expect(layout.rows).toBe(3);
    expect(layout.bars).toEqual([
      { row: 0, from: 10, to: 40, outcome: "timeout", task: 0, attempt: 1 },
      { row: 1, from: 45, to: 60, outcome: "result", task: 0, attempt: 2 },
      { row: 2, from: 50, to: 80, outcome: "result", task: 1, attempt: 1 },
      { row: 1, from: 60, to: 70, outcome: "result", task: 2, attempt: 1 },
    ]);
    expect([layout.start, layout.end]).toEqual([10, 80]);
  });

  it("draws a running attempt up to now, and never backwards past its start", () => {
    expect(timelineLayout([attempt(0, "a", 10, null, "running")], 90).bars[0]).toMatchObject({ from: 10, to: 90 });
    expect(timelineLayout([attempt(0, "a", 100, null, "running")], 90).bars[0]).toMatchObject({ from: 100, to: 100 });
  });

  it("covers at least a millisecond when there is nothing to draw", () => {
    expect(timelineLayout([], 5)).toEqual({ lanes: [], rows: 0, bars: [], start: 5, end: 6 });
  });
});

describe("throughputSeries", () => {
  it("counts results (not failures) per second by the time they ended", () => {
    const attempts = [attempt(0, "a", 0, 500), attempt(1, "a", 0, 900), attempt(2, "a", 0, 1500), attempt(3, "a", 0, 1600, "error"), attempt(4, "a", 0, null, "running")];
    expect(throughputSeries(attempts, 0, 2000, 2)).toEqual([2, 1]);
  });

  it("puts a result that ended at the very end in the last bucket", () => {
    expect(throughputSeries([attempt(0, "a", 0, 2000)], 0, 2000, 4)).toEqual([0, 0, 0, 2]);
  });
});
