import { describe, expect, it } from "vitest";
import { DEFAULT_AUTHOR_LIMITS, resolveAuthorLimits } from "./AuthorLimits.ts";

describe("resolveAuthorLimits", () => {
  it("fills in the defaults, for absent and undefined limits alike", () => {
    expect(resolveAuthorLimits()).toEqual(DEFAULT_AUTHOR_LIMITS);
    expect(resolveAuthorLimits({ maxTasksPerJob: undefined, maxQueuedTasks: 50 })).toEqual({ ...DEFAULT_AUTHOR_LIMITS, maxQueuedTasks: 50 });
  });

  it.each([
    [{ maxTasksPerJob: 0 }, "limits.maxTasksPerJob must be a positive integer, got 0"],
    [{ maxSeriesPerDataset: 1.5 }, "limits.maxSeriesPerDataset must be a positive integer, got 1.5"],
    [{ maxPlanChars: Number.NaN }, "limits.maxPlanChars must be a positive integer, got NaN"],
    [{ maxTaskMemos: -1 }, "limits.maxTaskMemos must be a positive integer, got -1"],
    [{ maxPoints: 100_001 }, "limits.maxPoints may be at most 100000"],
  ])("refuses %j", (given, message) => {
    expect(() => resolveAuthorLimits(given)).toThrow(message);
  });
});
