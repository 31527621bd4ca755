import { describe, expect, it } from "vitest";
import type { Json, PeerId, TaskId } from "@shoal/protocol";
import { asTaskId } from "@shoal/protocol";
import { JobScheduler } from "./JobScheduler.ts";
import type { SchedulerOptions } from "./SchedulerOptions.ts";
import { execute, job, lie, peerId, reference, series } from "./test/fixtures.ts";
import type { Assignment, JobSubmission, SubmitOutcome, TaskFailure } from "./types.ts";

const [A, B, C, D] = ["A", "B", "C", "D"].map(peerId) as [PeerId, PeerId, PeerId, PeerId];

function setup(sub: JobSubmission, options: Partial<SchedulerOptions> = {}, peers = [A, B, C, D]): JobScheduler {
  const s = new JobScheduler(options);
  for (const p of peers) s.addPeer(p);
  s.submitJob(sub);
  return s;
}

const one = (name = "j", points = 1) => job(name, [series("x", 10)], { params: { a: Array.from({ length: points }, (_, i) => i) } }, { hasReduce: false });
const rows = (n: number) => job("j", [series("x", n)], { split: { kind: "rows", rows: 1 } }, { hasReduce: false });

function take(s: JobScheduler, peer: PeerId, now: number, free = 0): Assignment {
  const a = s.requestWork(peer, free, now).assignments[0];
  if (!a) throw new Error(`no work for ${peer}`);
  return a;
}

describe("leases", () => {
  it("expire at their deadline unless a heartbeat extends them, and the task goes back in the queue", () => {
    const s = setup(one(), { leaseMs: 1000 });
    const a = take(s, A, 0);
    expect(a).toMatchObject({ attempt: 1, leaseDeadline: 1000 });
    expect(s.tick(999).expired).toEqual([]);
    expect(s.heartbeat(A, 500)).toMatchObject([{ taskId: a.taskId, deadline: 1500 }]);
    expect(s.tick(1400).expired).toEqual([]);
    expect(s.tick(1500).expired).toMatchObject([{ peerId: A, taskId: a.taskId, attempt: 1 }]);
    expect(take(s, B, 1600)).toMatchObject({ taskId: a.taskId, attempt: 2 });
  });

  it("fail the job after maxAttempts", () => {
    const s = setup(one(), { leaseMs: 10, maxAttempts: 3 });
    let last;
    for (let i = 0; i < 3; i++) {
      take(s, A, i * 100);
      last = s.tick(i * 100 + 10);
    }
    const error = { taskId: "j/map/0", message: "task j/map/0 failed after 3 attempts: lease expired" };
    expect(last?.events).toEqual([{ type: "job-failed", jobId: "j", error }]);
    expect(s.jobSnapshot(one().id)).toMatchObject({ status: "failed", error, tasks: { failed: 1 } });
    expect(s.requestWork(A, 1, 1000).assignments).toEqual([]);
  });
});

describe("results", () => {
  const honest = (a: Assignment) => execute(a.task);
  it.each<[string, (s: JobScheduler) => SubmitOutcome, Partial<SubmitOutcome>]>([
    ["the first report", (s) => { const a = take(s, A, 0); return s.submitResult(A, a.taskId, a.attempt, honest(a), 1); }, { status: "accepted" }],
    ["the same attempt again", (s) => { const a = take(s, A, 0); s.submitResult(A, a.taskId, a.attempt, honest(a), 1); return s.submitResult(A, a.taskId, a.attempt, honest(a), 2); }, { status: "duplicate", reason: "attempt 1 of task j/map/0 was already reported" }],
    ["a failure after a result", (s) => { const a = take(s, A, 0); s.submitResult(A, a.taskId, a.attempt, honest(a), 1); return s.submitFailure(A, a.taskId, a.attempt, { kind: "internal", message: "x" }); }, { status: "duplicate" }],
    ["a result for a task another attempt finished", (s) => { const a = take(s, A, 0); s.tick(30_000); const b = take(s, B, 30_001); s.submitResult(B, b.taskId, b.attempt, honest(b), 30_002); return s.submitResult(A, a.taskId, a.attempt, honest(a), 30_003); }, { status: "stale", reason: "task j/map/0 is already done" }],
    ["an unknown task", (s) => s.submitResult(A, asTaskId("nope"), 1, { outputs: [] }, 0), { status: "rejected", reason: "unknown task nope" }],
    ["an attempt never assigned", (s) => { take(s, A, 0); return s.submitResult(A, asTaskId("j/map/0"), 2, { outputs: [1] }, 1); }, { status: "rejected", reason: "attempt 2 of task j/map/0 was never assigned" }],
    ["another peer's attempt", (s) => { const a = take(s, A, 0); return s.submitResult(B, a.taskId, a.attempt, honest(a), 1); }, { status: "rejected", reason: "attempt 1 of task j/map/0 belongs to another peer" }],
    ["too few outputs", (s) => { const a = take(s, A, 0); return s.submitResult(A, a.taskId, a.attempt, { outputs: [] }, 1); }, { status: "rejected", reason: "malformed result: expected 1 outputs" }],
    ["a reduce-shaped result for a map task", (s) => { const a = take(s, A, 0); return s.submitResult(A, a.taskId, a.attempt, { output: 1 }, 1); }, { status: "rejected" }],
  ])("%s", (_, act, expected) => {
    expect(act(setup(rows(2)))).toMatchObject(expected);
  });

  it("takes a result all or nothing: one too deep to canonicalise throws and leaves the lease open", () => {
    const s = setup(one());
    const a = take(s, A, 0);
    const before = s.toJSON();
    const deep = JSON.parse("[".repeat(20_000) + "]".repeat(20_000)) as Json;
    expect(() => s.submitResult(A, a.taskId, a.attempt, { outputs: [deep] }, 1)).toThrow(RangeError);
    expect(s.toJSON()).toEqual(before);
    expect(s.submitResult(A, a.taskId, a.attempt, honest(a), 2)).toMatchObject({ status: "accepted" });
    expect(s.jobSnapshot(one().id)?.results).toEqual({ accepted: 1, rejected: 0 });
  });

  it("rejects an output larger than the job's result size as malformed, and takes one at the limit", () => {
    const s = setup({ ...one(), resultBytes: 1024 });
    const a = take(s, A, 0);
    const big = "x".repeat(1024);
    expect(s.submitResult(A, a.taskId, a.attempt, { outputs: [big] }, 1)).toMatchObject({ status: "rejected", reason: "malformed result: output 0 is larger than the job's 1024 bytes" });
    const b = take(s, B, 2);
    expect(s.submitResult(B, b.taskId, b.attempt, { outputs: [big.slice(2)] }, 3)).toMatchObject({ status: "accepted" });
  });

  it("re-queues a malformed result's task and counts it against the peer", () => {
    const s = setup(one());
    const a = take(s, A, 0);
    s.submitResult(A, a.taskId, a.attempt, { outputs: [1, 2] }, 1);
    expect(s.peerSnapshot(A)).toMatchObject({ losses: 1 });
    expect(s.jobSnapshot(one().id)?.results).toEqual({ accepted: 0, rejected: 1 });
    expect(take(s, B, 2)).toMatchObject({ attempt: 2 });
  });

  it("takes a late result after the lease expired while the task is open, and cancels the replacement", () => {
    const s = setup(one(), { leaseMs: 100 });
    const a = take(s, A, 0);
    s.tick(100);
    const b = take(s, B, 101);
    const late = s.submitResult(A, a.taskId, a.attempt, honest(a), 150);
    expect(late).toMatchObject({ status: "accepted", cancel: [{ peerId: B, attempt: b.attempt }] });
    expect(s.submitResult(B, b.taskId, b.attempt, honest(b), 160)).toMatchObject({ status: "stale" });
    expect(s.jobSnapshot(one().id)).toMatchObject({ status: "done", results: { accepted: 1 }, peers: { A: 1 } });
  });
});

describe("Lua errors", () => {
  const boom: TaskFailure = { kind: "runtime", message: "job.lua:3: boom", line: 3, traceback: "stack traceback:\n\tjob.lua:3: in function 'map'" };

  const quorum2 = () => ({ ...one(), replicas: 2, quorum: 2 });

  it("fail a quorum-1 job at once, as its result would complete it", () => {
    const s = setup(one());
    const a = take(s, A, 0);
    const error = { ...boom, taskId: "j/map/0" };
    expect(s.submitFailure(A, a.taskId, a.attempt, boom).events).toEqual([{ type: "job-failed", jobId: "j", error }]);
    expect(s.jobSnapshot(one().id)).toMatchObject({ status: "failed", error });
    expect(s.jobSnapshot(one().id)?.unconfirmedError).toBeUndefined();
  });

  it("fail a quorum-2 job only once a second peer confirms them, showing the error as unconfirmed meanwhile", () => {
    const s = setup(quorum2());
    const a = take(s, A, 0);
    expect(s.submitFailure(A, a.taskId, a.attempt, boom)).toMatchObject({ status: "accepted", events: [] });
    expect(s.jobSnapshot(one().id)).toMatchObject({ status: "running", unconfirmedError: { ...boom, taskId: "j/map/0", reporters: 1 } });
    const b = take(s, B, 2);
    const fx = s.submitFailure(B, b.taskId, b.attempt, boom);
    const error = { ...boom, taskId: "j/map/0" };
    expect(fx.events).toEqual([{ type: "job-failed", jobId: "j", error }]);
    expect(s.jobSnapshot(one().id)).toMatchObject({ status: "failed", error });
    expect(s.jobSnapshot(one().id)?.unconfirmedError).toBeUndefined();
  });

  it("do not fail a quorum-2 job when a single flaky peer reports one; the notice clears when the task completes", () => {
    const s = setup(quorum2());
    const a = take(s, A, 0);
    s.submitFailure(A, a.taskId, a.attempt, boom);
    for (const [peer, now] of [[B, 1], [C, 2]] as const) {
      const t = take(s, peer, now);
      s.submitResult(peer, t.taskId, t.attempt, execute(t.task), now + 1);
    }
    expect(s.jobSnapshot(one().id)).toMatchObject({ status: "done", result: reference(one()) });
    expect(s.jobSnapshot(one().id)?.unconfirmedError).toBeUndefined();
  });

  it("need the same message to confirm", () => {
    const s = setup(quorum2());
    const a = take(s, A, 0);
    s.submitFailure(A, a.taskId, a.attempt, boom);
    const b = take(s, B, 1);
    s.submitFailure(B, b.taskId, b.attempt, { ...boom, message: "job.lua:4: other" });
    expect(s.jobSnapshot(one().id)?.status).toBe("running");
    expect(take(s, C, 2)).toMatchObject({ attempt: 3 });
  });

  it.each(["deadline", "internal"] as const)("retry %s failures, on the same peer too, until maxAttempts", (kind) => {
    const s = setup(one(), { maxAttempts: 3 });
    for (let i = 0; i < 2; i++) {
      const a = take(s, A, i);
      expect(s.submitFailure(A, a.taskId, a.attempt, { kind, message: "slow" }).events).toEqual([]);
    }
    const a = take(s, A, 5);
    expect(s.submitFailure(A, a.taskId, a.attempt, { kind, message: "slow" }).events).toMatchObject([
      { type: "job-failed", error: { message: "task j/map/0 failed after 3 attempts: slow" } },
    ]);
  });
});

describe("replication and reputation", () => {
  const replicated = (n = 1) => ({ ...rows(n), replicas: 2, quorum: 2 });

  it("sends replicas to distinct peers only", () => {
    const s = setup({ ...one(), replicas: 3, quorum: 2 });
    expect(s.requestWork(A, 8, 0).assignments).toHaveLength(1);
    expect(s.requestWork(B, 8, 0).assignments).toHaveLength(1);
    expect(s.requestWork(C, 8, 0).assignments).toHaveLength(1);
    expect(s.requestWork(D, 8, 0).assignments).toHaveLength(0);
  });

  it("adds a replica on disagreement; the agreeing pair wins and the liar loses", () => {
    const sub = replicated();
    const s = setup(sub);
    const h = take(s, A, 0);
    const l = take(s, B, 0);
    expect(s.requestWork(C, 1, 0).assignments).toEqual([]);
    s.submitResult(A, h.taskId, h.attempt, execute(h.task), 1);
    s.submitResult(B, l.taskId, l.attempt, lie(l.task), 2);
    expect(s.requestWork(A, 1, 3).assignments).toEqual([]);
    const c = take(s, C, 3);
    expect(c.attempt).toBe(3);
    s.submitResult(C, c.taskId, c.attempt, execute(c.task), 4);
    expect(s.jobSnapshot(sub.id)).toMatchObject({ status: "done", result: reference(sub), peers: { A: 1, C: 1 } });
    expect([A, B, C].map((p) => s.peerSnapshot(p))).toMatchObject([{ wins: 1 }, { losses: 1 }, { wins: 1 }]);
  });

  it("refuses a peer after three lost quorums and discards its unverified results", () => {
    const sub = replicated(4);
    const s = setup(sub);
    const lies = s.requestWork(B, 3, 0).assignments;
    expect(lies).toHaveLength(4);
    for (const l of lies) s.submitResult(B, l.taskId, l.attempt, lie(l.task), 1);
    const events = [];
    for (let round = 0; round < 3; round++) {
      for (const p of [A, C]) {
        const [a] = s.requestWork(p, 0, 2).assignments as [Assignment];
        expect(a.taskId).toBe(`j/map/${round}`);
        events.push(...s.submitResult(p, a.taskId, a.attempt, execute(a.task), 3).events);
      }
    }
    expect(events.filter((e) => e.type === "peer-refused")).toEqual([
      { type: "peer-refused", peerId: B, reason: "peer B is refused: its results lost too many quorums (score -12)" },
    ]);
    expect(s.peerSnapshot(B)).toMatchObject({ wins: 0, losses: 3, refused: true });
    expect(s.requestWork(B, 1, 4).refused).toMatch(/peer B is refused/);
    const last = lies[3] as Assignment;
    expect(s.submitResult(B, last.taskId, last.attempt, lie(last.task), 5)).toMatchObject({ status: "rejected" });
    const fresh = [A, D].map((p) => [p, take(s, p, 6)] as const);
    expect(fresh.map(([, a]) => a.taskId)).toEqual([last.taskId, last.taskId]);
    for (const [p, a] of fresh) s.submitResult(p, a.taskId, a.attempt, execute(a.task), 7);
    expect(s.jobSnapshot(sub.id)).toMatchObject({ status: "done", result: reference(sub) });
  });

  it("fails the job when no quorum forms within the replica cap", () => {
    const s = setup({ ...one(), replicas: 2, quorum: 2, replicaCap: 3 });
    const outcomes = [A, B, C].map((p, i) => {
      const a = take(s, p, i);
      return s.submitResult(p, a.taskId, a.attempt, { outputs: [i] }, i);
    });
    expect(outcomes[2]?.events).toEqual([
      { type: "job-failed", jobId: "j", error: { taskId: "j/map/0", message: "task j/map/0: no 2 of its 3 results agree within the replica cap of 3" } },
    ]);
  });
});

describe("backup tasks", () => {
  it("duplicate the oldest running task once the queue is empty; the first result wins and the copy is cancelled", () => {
    const sub = rows(2);
    const s = setup(sub, { backupMinMs: 1000 });
    const held = s.requestWork(A, 1, 0).assignments;
    expect(held).toHaveLength(2);
    expect(s.requestWork(B, 1, 500).assignments).toEqual([]);
    const [backup, ...more] = s.requestWork(B, 1, 1500).assignments;
    expect(backup).toMatchObject({ taskId: "j/map/0", attempt: 2, backup: true });
    expect(more).toMatchObject([{ taskId: "j/map/1", backup: true }]);
    expect(s.requestWork(C, 1, 1500).assignments).toEqual([]);
    if (!backup) throw new Error("no backup");
    const won = s.submitResult(B, backup.taskId, backup.attempt, execute(backup.task), 1600);
    expect(won.cancel).toEqual([{ jobId: "j", taskId: "j/map/0", attempt: 1, peerId: A, deadline: 30_000, backup: false }]);
    const [original] = held as [Assignment];
    expect(s.submitResult(A, original.taskId, original.attempt, execute(original.task), 1700)).toMatchObject({ status: "stale" });
  });

  it("wait for twice the median task time", () => {
    const sub = rows(3);
    const s = setup(sub, { backupMinMs: 0 });
    const first = take(s, A, 0);
    s.submitResult(A, first.taskId, first.attempt, execute(first.task), 2000);
    s.requestWork(A, 1, 2000);
    expect(s.requestWork(B, 0, 5999).assignments).toEqual([]);
    expect(s.requestWork(B, 0, 6000).assignments).toMatchObject([{ taskId: "j/map/1", backup: true }]);
  });
});

describe("jobs side by side", () => {
  it("keep tasks of different jobs apart", () => {
    const s = setup(one("a"));
    s.submitJob(one("b"));
    const ids: TaskId[] = s.requestWork(A, 1, 0).assignments.map((x) => x.taskId);
    expect(ids).toEqual(["a/map/0", "b/map/0"]);
    expect(() => s.submitJob({ ...one("c"), graph: one("a").graph })).toThrow(/another job/);
  });
});

describe("a leaving peer", () => {
  it("re-queues its leases without spending attempts, however often peers take leases and leave", () => {
    const s = setup(rows(3), { maxAttempts: 1 });
    for (let i = 0; i < 10; i++) {
      const hitAndRun = peerId(`H${i}`);
      s.addPeer(hitAndRun);
      s.requestWork(hitAndRun, 2, i);
      const fx = s.removePeer(hitAndRun);
      expect(fx.events).toEqual([]);
      expect(fx.expired.length).toBeGreaterThan(0);
    }
    expect(s.jobSnapshot(rows(3).id)?.status).toBe("running");
    expect(s.requestWork(A, 3, 20).assignments.map((a) => a.taskId)).toEqual(["j/map/0", "j/map/1", "j/map/2"]);
  });

  it("re-queues at once, without spending attempts, the leases a returning peer no longer names", () => {
    const s = setup(rows(3), { maxAttempts: 1, leaseMs: 60_000 });
    const [kept, lost1, lost2] = s.requestWork(A, 3, 0).assignments;
    if (!kept || !lost1 || !lost2) throw new Error("expected three assignments");
    const fx = s.resumePeer(A, [{ taskId: kept.taskId, attempt: kept.attempt }, { taskId: lost1.taskId, attempt: 99 }]);
    expect(fx.expired.map((e) => e.taskId)).toEqual([lost1.taskId, lost2.taskId]);
    expect(fx.events).toEqual([]);
    expect(s.leases(A).map((l) => l.taskId)).toEqual([kept.taskId]);
    expect(s.requestWork(B, 2, 1).assignments.map((a) => [a.taskId, a.attempt])).toEqual([
      [lost1.taskId, 2],
      [lost2.taskId, 2],
    ]);
    expect(s.resumePeer(peerId("nobody"), []).expired).toEqual([]);
  });

  it("still fails a job once when leases expire while their peer stays, out of attempts", () => {
    const s = setup(rows(3), { maxAttempts: 1, leaseMs: 10 });
    s.requestWork(A, 2, 0);
    const fx = s.tick(100);
    expect(fx.events.filter((e) => e.type === "job-failed")).toMatchObject([{ error: { message: "task j/map/0 failed after 1 attempts: lease expired" } }]);
  });
});
