import { describe, expect, it } from "vitest";
import { asTaskId } from "@shoal/protocol";
import { copyJson } from "./copyJson.ts";
import { copyTaskNode } from "./copyTask.ts";
import type { TaskNode } from "./TaskGraph.ts";

const nodes: TaskNode[] = [
  { id: asTaskId("m"), work: { kind: "map", slice: { key: "A", haloStart: 0, start: 5, end: 9 }, points: [{ index: 3, p: { fast: 5, name: "x", on: true } }] }, inputs: [], shard: "a".repeat(64) as never },
  { id: asTaskId("r"), work: { kind: "reduce", level: 1, group: 2 }, inputs: [{ task: asTaskId("m"), from: 0, to: 1 }] },
];

describe("copyTaskNode", () => {
  it.each(nodes)("copies $id exactly as a JSON round trip does, sharing nothing", (node) => {
    const copy = copyTaskNode(node);
    expect(copy).toStrictEqual(copyJson(node));
    const shared = (a: unknown, b: unknown): boolean =>
      typeof a === "object" && a !== null && (a === b || Object.keys(a).some((k) => shared((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])));
    expect(shared(copy, node)).toBe(false);
  });
});
