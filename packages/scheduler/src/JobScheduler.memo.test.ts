import { describe, expect, it } from "vitest";
import type { Json } from "@shoal/protocol";
import { JobScheduler } from "./JobScheduler.ts";
import { TaskGraphError } from "./TaskGraph.ts";
import type { JobSubmission, TaskPayload } from "./types.ts";
import { execute, job, peerId, reference, runAll, series } from "./test/fixtures.ts";

const A = peerId("A");

/** The outputs an honest peer gives for a node, computed as `reference` does. */
function outputsOf(sub: JobSubmission): Map<string, Json[]> {
  const values = new Map<string, Json[]>();
  for (const t of sub.graph.tasks) {
    const inputs = t.inputs.flatMap((i) => values.get(i.task)?.slice(i.from, i.to) ?? []);
    const task: TaskPayload = t.work.kind === "map" ? t.work : { ...t.work, values: inputs };
    const result = execute(task);
    values.set(t.id, "outputs" in result ? result.outputs : [result.output]);
  }
  return values;
}

describe("JobScheduler: memoized tasks", () => {
  it("starts reused tasks done, runs only the rest and their reduce path, and counts them", () => {
    const s = new JobScheduler();
    s.addPeer(A);
    const sub = job("j", [series("x", 8)], { params: { a: [1, 2] }, batchSize: 1, split: { kind: "rows", rows: 2 }, reduceFanIn: 2 });
    const outputs = outputsOf(sub);
    const maps = sub.graph.tasks.filter((t) => t.work.kind === "map");
    // Every map task but the last slice's two is reused, as after an append to the series' tail.
    for (const t of maps.slice(0, -2)) t.memoOutput = outputs.get(t.id) as Json[];
    s.submitJob(sub);
    expect(s.jobSnapshot(sub.id)?.tasks).toMatchObject({ total: 15, done: 6, reused: 6, queued: 5 });
    let ran = 0;
    for (let now = 0; s.jobSnapshot(sub.id)?.status === "running"; now += 10) {
      const work = s.requestWork(A, 16, now).assignments;
      expect(work.length).toBeGreaterThan(0);
      ran += work.length;
      runAll(s, A, work, now + 5);
    }
    // The 2 new map tasks and all 7 reduces (reusing reduces is the memo planner's part, not the scheduler's).
    expect(ran).toBe(9);
    expect(s.jobSnapshot(sub.id)).toMatchObject({ status: "done", result: reference(sub), tasks: { done: 15, reused: 6 } });
    expect(s.doneTasks(sub.id)?.filter((t) => t.reused).map((t) => t.id)).toEqual(maps.slice(0, -2).map((t) => t.id));
  });

  it("finishes a job whose tasks are all reused at submission, with the same result", () => {
    const s = new JobScheduler();
    const sub = job("j", [series("x", 6)], { params: { a: [1, 2, 3] }, batchSize: 1 });
    const outputs = outputsOf(sub);
    for (const t of sub.graph.tasks) t.memoOutput = outputs.get(t.id) as Json[];
    const fx = s.submitJob(sub);
    expect(fx.events).toEqual([{ type: "job-done", jobId: sub.id, result: reference(sub) }]);
    expect(s.jobSnapshot(sub.id)?.tasks).toMatchObject({ done: 4, reused: 4 });
  });

  it("refuses reused outputs of the wrong count", () => {
    const s = new JobScheduler();
    const sub = job("j", [series("x", 6)], { params: { a: [1, 2, 3] }, batchSize: 3 });
    (sub.graph.tasks[0] as { memoOutput?: Json[] }).memoOutput = [1];
    expect(() => s.submitJob(sub)).toThrow(TaskGraphError);
    expect(s.jobSnapshot(sub.id)).toBeUndefined();
  });

  it("keeps reused tasks across a snapshot and restore", () => {
    const s = new JobScheduler();
    const sub = job("j", [series("x", 6)], { params: { a: [1, 2] }, batchSize: 1 });
    const outputs = outputsOf(sub);
    const first = sub.graph.tasks[0]!;
    first.memoOutput = outputs.get(first.id) as Json[];
    s.submitJob(sub);
    const restored = JobScheduler.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(restored.jobSnapshot(sub.id)?.tasks).toMatchObject({ done: 1, reused: 1, queued: 1 });
  });
});
