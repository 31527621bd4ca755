import type { MapTaskSpec } from "@shoal/protocol";
import type { TaskNode, TaskWork } from "./TaskGraph.ts";

/**
 * A deep copy of a task's work by its known shape. Every lease and every submitted task is
 * copied, so callers never share objects with the scheduler's state; a JSON round trip per copy
 * cost more than the rest of handing out a trivial task.
 */
export function copyWork(work: TaskWork): TaskWork {
  if (work.kind === "reduce") return { kind: "reduce", level: work.level, group: work.group };
  return copyMapWork(work);
}

export function copyMapWork(work: MapTaskSpec): MapTaskSpec {
  return { kind: "map", slice: { ...work.slice }, points: work.points.map((point) => ({ index: point.index, p: { ...point.p } })) };
}

/** A deep copy of a task node (its work, inputs and shard). */
export function copyTaskNode(node: TaskNode): TaskNode {
  const copy: TaskNode = { id: node.id, work: copyWork(node.work), inputs: node.inputs.map((input) => ({ ...input })) };
  if (node.shard !== undefined) copy.shard = node.shard;
  if (node.memo !== undefined) copy.memo = node.memo;
  if (node.memoOutput !== undefined) copy.memoOutput = structuredClone(node.memoOutput);
  return copy;
}
