import { describe, expect, it } from "vitest";
import { asTaskId } from "@shoal/protocol";
import { taskUnits } from "./taskUnits.ts";

describe("taskUnits", () => {
  it("counts the rows a map task reads, halo included, times its points", () => {
    const work = { kind: "map" as const, slice: { key: "A", haloStart: 10, start: 20, end: 110 }, points: [{ index: 0, p: {} }, { index: 1, p: {} }] };
    expect(taskUnits({ id: asTaskId("t"), work, inputs: [] })).toBe(200);
  });

  it("counts the values a reduce folds", () => {
    const inputs = [{ task: asTaskId("a"), from: 0, to: 3 }, { task: asTaskId("b"), from: 1, to: 2 }];
    expect(taskUnits({ id: asTaskId("r"), work: { kind: "reduce", level: 0, group: 0 }, inputs })).toBe(4);
  });

  it("is at least one for an empty slice", () => {
    const work = { kind: "map" as const, slice: { key: "A", haloStart: 5, start: 5, end: 5 }, points: [] };
    expect(taskUnits({ id: asTaskId("t"), work, inputs: [] })).toBe(1);
  });
});
