import { describe, expect, it } from "vitest";
import { JobScheduler } from "./JobScheduler.ts";
import { applyCommand } from "./SchedulerCommand.ts";
import { execute, job, peerId, reference, series } from "./test/fixtures.ts";
import type { Assignment } from "./types.ts";

const A = peerId("A");
const B = peerId("B");

describe("adopting and dropping a job", () => {
  it("takes a job over mid-way from another scheduler's state: done tasks stay, the old leases expire unspent, the result is the same", () => {
    const sub = job("j", [series("x", 40)], { split: { kind: "rows", rows: 5 }, params: { a: [1, 2] } });
    const old = new JobScheduler();
    old.addPeer(A);
    old.submitJob(sub);
    const granted = old.requestWork(A, 4, 0).assignments;
    const [done, held] = [granted.slice(0, 2), granted.slice(2)] as [Assignment[], Assignment[]];
    expect(held.length).toBeGreaterThan(0);
    for (const a of done) old.submitResult(A, a.taskId, a.attempt, execute(a.task), 2);
    const state = old.toJSON().jobs.find((j) => j.id === sub.id)!;

    const next = new JobScheduler();
    next.addPeer(B);
    expect(applyCommand(next, { type: "adopt-job", job: state }).events).toEqual([]);
    expect(next.jobOf(held[0]!.taskId)).toBe(sub.id);
    expect(next.jobSnapshot(sub.id)?.tasks).toMatchObject({ done: done.length, running: 0 });
    // A late result from the old owner's peer still counts while its task is open (as after a restart), once.
    const late = held[0]!;
    expect(next.submitResult(A, late.taskId, late.attempt, execute(late.task), 3).status).toBe("accepted");
    expect(next.submitResult(A, late.taskId, late.attempt, execute(late.task), 3).status).toBe("duplicate");
    for (let now = 4; next.jobSnapshot(sub.id)?.status === "running"; now++) {
      for (const a of next.requestWork(B, 3, now).assignments) next.submitResult(B, a.taskId, a.attempt, execute(a.task), now);
    }
    expect(next.jobSnapshot(sub.id)).toMatchObject({ status: "done", result: reference(sub) });
    // No try was spent on the leases that lapsed with the old owner.
    expect(next.toJSON().jobs[0]!.tasks.every((t) => t.failures === 0)).toBe(true);
  });

  it("refuses to adopt a job it already holds", () => {
    const sub = job("j", [series("x", 10)], { split: { kind: "rows", rows: 5 } });
    const s = new JobScheduler();
    s.submitJob(sub);
    expect(() => s.adoptJob(s.toJSON().jobs[0]!)).toThrow(/already exists/);
  });

  it("drops a running job at once: its leases come back for cancelling and later reports are turned away untouched", () => {
    const sub = job("j", [series("x", 20)], { split: { kind: "rows", rows: 5 } });
    const s = new JobScheduler();
    s.addPeer(A);
    s.submitJob(sub);
    const held = s.requestWork(A, 2, 0).assignments;
    const fx = applyCommand(s, { type: "drop-job", jobId: sub.id });
    expect(fx.cancel.map((l) => l.taskId).sort()).toEqual(held.map((a) => a.taskId).sort());
    expect(s.runningJobIds()).toEqual([]);
    expect(s.leases(A)).toEqual([]);
    expect(s.jobOf(held[0]!.taskId)).toBeUndefined();
    expect(s.submitResult(A, held[0]!.taskId, held[0]!.attempt, execute(held[0]!.task), 1)).toMatchObject({ untouched: true });
    expect(s.requestWork(A, 2, 1).assignments).toEqual([]);
  });
});
