import { describe, expect, it } from "vitest";
import type { Json } from "@shoal/protocol";
import { JobScheduler } from "./JobScheduler.ts";
import type { SchedulerCommand } from "./SchedulerCommand.ts";
import { applyCommand } from "./SchedulerCommand.ts";
import { execute, job, peerId, reference, series } from "./test/fixtures.ts";
import { simulate } from "./test/simulate.ts";
import type { SimOptions, SimPeer } from "./test/simulate.ts";
import type { Assignment } from "./types.ts";

const A = peerId("A");
const B = peerId("B");
const restore = (s: JobScheduler) => JobScheduler.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));

/** An sp500-sized SMA sweep: 5104 daily rows in slices of 500 with a 250-row halo, 16 parameter points in batches of 4. */
const sma = (name: string) =>
  job(name, [series("sp500", 5104)], {
    params: { fast: [5, 10, 20, 50], slow: [50, 100, 150, 200] },
    split: { kind: "rows", rows: 500 },
    halo: 250,
    batchSize: 4,
  });

describe("snapshot and restore", () => {
  it("names its peers and running jobs without a copy of the state, as the state lists them", () => {
    const s = new JobScheduler();
    s.addPeer(A);
    s.addPeer(B);
    const [one, two] = [sma("one"), sma("two")];
    s.submitJob(one);
    s.submitJob(two);
    s.cancelJob(one.id);
    const restored = restore(s);
    for (const scheduler of [s, restored]) {
      expect(scheduler.peerIds()).toEqual(scheduler.toJSON().peers.map((p) => p.id));
      expect(scheduler.runningJobIds()).toEqual([two.id]);
    }
    restored.removePeer(A);
    expect(restored.peerIds()).toEqual([B]);
  });

  it("resumes mid-job from JSON with leases kept, no result counted twice and the same final result", () => {
    const sub = job("j", [series("x", 40)], { split: { kind: "rows", rows: 5 }, params: { a: [1, 2] } });
    let s = new JobScheduler();
    s.addPeer(A);
    s.submitJob(sub);
    const [done, held] = [s.requestWork(A, 1, 0).assignments, s.requestWork(A, 3, 1).assignments] as [Assignment[], Assignment[]];
    for (const a of done) s.submitResult(A, a.taskId, a.attempt, execute(a.task), 2);
    s = restore(s);
    expect(s.toJSON()).toEqual(restore(s).toJSON());
    for (const a of done) expect(s.submitResult(A, a.taskId, a.attempt, execute(a.task), 3).status).toBe("duplicate");
    for (const a of held) expect(s.submitResult(A, a.taskId, a.attempt, execute(a.task), 3).status).toBe("accepted");
    for (let now = 4; s.jobSnapshot(sub.id)?.status === "running"; now++) {
      for (const a of s.requestWork(A, 3, now).assignments) s.submitResult(A, a.taskId, a.attempt, execute(a.task), now);
      if (now % 3 === 0) s = restore(s);
    }
    const total = sub.graph.tasks.length;
    expect(s.jobSnapshot(sub.id)).toMatchObject({ result: reference(sub), results: { accepted: total }, peers: { A: total } });
  });

  it("takes a late result delivered after a restart, once the lease has expired", () => {
    const sub = job("j", [series("x", 10)], {}, { hasReduce: false });
    const s = new JobScheduler();
    s.addPeer(A);
    s.submitJob(sub);
    const [a] = s.requestWork(A, 0, 0).assignments as [Assignment];
    const after = restore(s);
    after.removePeer(A);
    expect(after.tick(60_000).expired).toEqual([]);
    expect(after.submitResult(A, a.taskId, a.attempt, execute(a.task), 60_001).status).toBe("accepted");
    expect(after.jobSnapshot(sub.id)?.result).toEqual(reference(sub));
  });

  it("replays a command log over the last snapshot to exactly the state before the kill", () => {
    const live = new JobScheduler({ replicas: 2, quorum: 2 });
    let snapshot = live.toJSON();
    let log: SchedulerCommand[] = [];
    const outcomes: unknown[] = [];
    const run = <C extends SchedulerCommand>(command: C) => {
      log.push(JSON.parse(JSON.stringify(command)) as SchedulerCommand);
      const outcome = applyCommand(live, command);
      outcomes.push(outcome);
      return outcome;
    };
    run({ type: "add-peer", peerId: A });
    run({ type: "add-peer", peerId: B });
    run({ type: "submit-job", job: sma("sma") });
    for (let now = 0; now < 40; now++) {
      if (now === 20) [snapshot, log, outcomes.length] = [live.toJSON(), [], 0];
      for (const p of [A, B]) {
        const grant = run({ type: "request-work", peerId: p, freeSlots: 1, now });
        for (const a of grant.assignments.slice(0, 1)) {
          run({ type: "submit-result", peerId: p, taskId: a.taskId, attempt: a.attempt, result: execute(a.task), now });
        }
        run({ type: "heartbeat", peerId: p, now });
      }
      run({ type: "tick", now: now * 1000 });
    }
    const restored = JobScheduler.fromJSON(snapshot, { replicas: 2, quorum: 2 });
    const replayed = log.map((command) => applyCommand(restored, command));
    expect(replayed).toEqual(outcomes);
    expect(restored.toJSON()).toEqual(live.toJSON());
  });
});

describe("a simulated grid", () => {
  const single = simulate([sma("sma")], [{ name: "solo", slots: 1 }]);
  const expected: Json = reference(sma("sma"));

  it("runs the SMA plan on one peer to the reference result", () => {
    expect(single.jobs.get(sma("sma").id)).toMatchObject({ status: "done", result: expected });
  });

  it.each<[string, Partial<{ replicas: number; quorum: number }>, SimPeer[], SimOptions]>([
    [
      "quorum 1 with peers dying and leaving, no backups, so dead leases must expire",
      {},
      [
        { name: "a", slots: 2 },
        { name: "b", slots: 2, diesAt: 2_000 },
        { name: "c", slots: 1, leavesAt: 3_000 },
        { name: "d", slots: 4, holds: ["sp500"] },
      ],
      { scheduler: { backupMinMs: 3_600_000 } },
    ],
    [
      "quorum 2 of 2 with a liar, a death, a departure and two coordinator restarts",
      { replicas: 2, quorum: 2 },
      [
        { name: "a", slots: 2 },
        { name: "liar", slots: 3, lies: true },
        { name: "b", slots: 2, diesAt: 2_500 },
        { name: "c", slots: 1, leavesAt: 4_000 },
        { name: "d", slots: 2 },
        { name: "e", slots: 1 },
      ],
      { restartAt: [1_500, 9_000] },
    ],
  ])("%s reaches the single-peer result", (_, trust, peers, options) => {
    const sub = { ...sma("sma"), ...trust };
    const run = simulate([sub], peers, options);
    const snapshot = run.jobs.get(sub.id);
    expect(snapshot).toMatchObject({ status: "done", result: single.jobs.get(sub.id)?.result });
    const credited = Object.values(snapshot?.peers ?? {}).reduce((n, k) => n + k, 0);
    expect(credited).toBe(sub.graph.tasks.length * (trust.quorum ?? 1));
    expect(snapshot?.results.accepted).toBe([...run.reported.values()].reduce((n, k) => n + k, 0));
    if (peers.some((p) => p.lies)) {
      expect(run.scheduler.peerSnapshot(peerId("liar"))).toMatchObject({ refused: true, wins: 0 });
      expect(snapshot?.peers.liar).toBeUndefined();
    }
  });

  it("keeps two jobs going side by side", () => {
    const run = simulate([sma("one"), { ...sma("two"), weight: 2 }], [{ name: "a", slots: 2 }, { name: "b", slots: 2 }]);
    expect([...run.jobs.values()].map((j) => j.result)).toEqual([expected, expected]);
  });
});
