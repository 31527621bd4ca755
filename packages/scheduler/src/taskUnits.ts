import type { TaskNode } from "./TaskGraph.ts";

/**
 * The credit a task is worth, fixed by the plan before anyone runs it, so no volunteer can
 * claim more: rows read (halo included) times parameter points for a map task, values folded
 * for a reduce. Replicas of one task are worth the same; how long they took does not count.
 */
export function taskUnits(node: TaskNode): number {
  if (node.work.kind === "map") {
    const { haloStart, end } = node.work.slice;
    return Math.max(1, end - haloStart) * Math.max(1, node.work.points.length);
  }
  return Math.max(1, node.inputs.reduce((sum, input) => sum + (input.to - input.from), 0));
}
