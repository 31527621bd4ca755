import { describe, expect, it } from "vitest";
import { JobScheduler } from "./JobScheduler.ts";
import type { SchedulerEvent } from "./types.ts";
import { execute, job, lie, peerId, series } from "./test/fixtures.ts";

const [A, B, C] = [peerId("A"), peerId("B"), peerId("C")];
type TaskDone = Extract<SchedulerEvent, { type: "task-done" }>;
const done = (events: readonly SchedulerEvent[]) => events.filter((e): e is TaskDone => e.type === "task-done");

describe("JobScheduler: what task-done says for credit", () => {
  it("names only the peers whose results agreed, with the task's planned units and the job's quorum", () => {
    const s = new JobScheduler();
    for (const p of [A, B, C]) s.addPeer(p, 1);
    s.submitJob(job("j", [series("x", 30)], { params: { a: [1, 2] }, batchSize: 2 }, { replicas: 2, quorum: 2, hasReduce: false }));
    const [a] = s.requestWork(A, 1, 0).assignments;
    const [c] = s.requestWork(C, 1, 0).assignments;
    expect(a?.taskId).toBe(c?.taskId);
    expect(done(s.submitResult(C, c!.taskId, c!.attempt, lie(c!.task), 1).events)).toEqual([]);
    expect(done(s.submitResult(A, a!.taskId, a!.attempt, execute(a!.task), 2).events)).toEqual([]);
    const [b] = s.requestWork(B, 1, 3).assignments;
    expect(b?.taskId).toBe(a?.taskId);
    const events = done(s.submitResult(B, b!.taskId, b!.attempt, execute(b!.task), 4).events);
    expect(events).toEqual([{ type: "task-done", jobId: "j", taskId: a!.taskId, winners: [A, B], units: 60, quorum: 2 }]);
  });

  it("says nothing again for a replayed or late result", () => {
    const s = new JobScheduler();
    for (const p of [A, B]) s.addPeer(p, 1);
    s.submitJob(job("k", [series("x", 5)], {}, { hasReduce: false }));
    const [a] = s.requestWork(A, 1, 0).assignments;
    expect(done(s.submitResult(A, a!.taskId, a!.attempt, execute(a!.task), 1).events)).toHaveLength(1);
    expect(done(s.submitResult(A, a!.taskId, a!.attempt, execute(a!.task), 2).events)).toEqual([]);
    expect(done(s.submitResult(B, a!.taskId, a!.attempt, execute(a!.task), 3).events)).toEqual([]);
  });
});
