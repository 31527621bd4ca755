import { describe, expect, it } from "vitest";
import { asTaskId } from "@shoal/protocol";
import { JobScheduler } from "./JobScheduler.ts";
import type { TaskGraph } from "./TaskGraph.ts";
import type { Assignment } from "./types.ts";
import { execute, job, jobId, peerId, reference, runAll, series, shardOf } from "./test/fixtures.ts";

const A = peerId("A");
const B = peerId("B");

function withPeers(...names: string[]): JobScheduler {
  const s = new JobScheduler();
  for (const name of names) s.addPeer(peerId(name));
  return s;
}

describe("JobScheduler: the task DAG", () => {
  it("queues reduce tasks only once their inputs are done, and ends with the root's output", () => {
    const s = withPeers("A");
    const sub = job("j", [series("x", 10)], { params: { a: [1, 2, 3, 4] }, batchSize: 1, reduceFanIn: 2 });
    s.submitJob(sub);
    expect(s.jobSnapshot(sub.id)?.tasks).toEqual({ total: 7, waiting: 3, queued: 4, running: 0, done: 0, failed: 0 });
    const maps = s.requestWork(A, 8, 0).assignments;
    expect(maps.map((a) => a.task.kind)).toEqual(["map", "map", "map", "map"]);
    runAll(s, A, maps.slice(0, 3), 10);
    expect(s.jobSnapshot(sub.id)?.tasks).toMatchObject({ waiting: 2, queued: 1, running: 1, done: 3 });
    const first = s.requestWork(A, 8, 20).assignments;
    expect(first.map((a) => a.taskId)).toEqual(["j/reduce/0/0"]);
    expect(first[0]?.task).toMatchObject({ kind: "reduce", level: 0, group: 0, values: [{ point: 0 }, { point: 1 }] });
    runAll(s, A, [...first, ...maps.slice(3)], 30);
    const rest = s.requestWork(A, 8, 40).assignments;
    expect(rest.map((a) => a.taskId)).toEqual(["j/reduce/0/1"]);
    runAll(s, A, rest, 50);
    const root = s.requestWork(A, 8, 60).assignments;
    const outcome = runAll(s, A, root, 70)[0];
    expect(outcome?.events.map((e) => e.type)).toEqual(["task-done", "job-done"]);
    expect(s.jobSnapshot(sub.id)).toMatchObject({ status: "done", result: reference(sub), tasks: { done: 7 }, peers: { A: 7 } });
  });

  it("runs a general graph submitted directly", () => {
    const t = asTaskId;
    const leaf = (name: string, key: string) => ({
      id: t(name),
      work: { kind: "map" as const, slice: { key, haloStart: 0, start: 0, end: 1 }, points: [{ index: 0, p: {} }] },
      inputs: [],
      shard: shardOf(key),
    });
    const graph: TaskGraph = {
      tasks: [
        leaf("a", "a"),
        leaf("b", "b"),
        { id: t("ab"), work: { kind: "reduce", level: 0, group: 0 }, inputs: [{ task: t("a"), from: 0, to: 1 }, { task: t("b"), from: 0, to: 1 }] },
        { id: t("abb"), work: { kind: "reduce", level: 1, group: 0 }, inputs: [{ task: t("ab"), from: 0, to: 1 }, { task: t("b"), from: 0, to: 1 }] },
      ],
      result: { shape: "value", inputs: [{ task: t("abb"), from: 0, to: 1 }] },
    };
    const s = withPeers("A");
    s.submitJob({ id: jobId("g"), graph });
    for (let now = 0; s.jobSnapshot(jobId("g"))?.status === "running"; now += 10) runAll(s, A, s.requestWork(A, 4, now).assignments, now);
    expect(s.jobSnapshot(jobId("g"))?.result).toEqual(reference({ id: jobId("g"), graph }));
  });

  it("finishes a map-only job over no data at once, with an empty list", () => {
    const s = new JobScheduler();
    const fx = s.submitJob(job("empty", [], {}, { hasReduce: false }));
    expect(fx.events).toEqual([{ type: "job-done", jobId: "empty", result: [] }]);
  });

  it("refuses a reused job id, a bad graph and an impossible quorum", () => {
    const s = new JobScheduler();
    s.submitJob(job("j", [series("x", 3)]));
    expect(() => s.submitJob(job("j", [series("x", 3)]))).toThrow(/already exists/);
    expect(() => s.submitJob({ ...job("k", [series("x", 3)]), quorum: 3, replicas: 2 })).toThrow(/quorum/);
    const bad = job("m", [series("x", 3)]);
    expect(() => s.submitJob({ ...bad, graph: { ...bad.graph, tasks: [...bad.graph.tasks, ...bad.graph.tasks] } })).toThrow(/twice/);
  });
});

describe("JobScheduler: credit", () => {
  const many = () => job("j", [series("x", 100)], { split: { kind: "rows", rows: 1 } }, { hasReduce: false });

  it.each([
    // held before, freeSlots reported, granted
    { held: 0, free: 0, granted: 1 },
    { held: 0, free: 3, granted: 4 },
    { held: 4, free: 0, granted: 0 },
    { held: 3, free: 0, granted: 1 },
    { held: 2, free: 1, granted: 2 },
  ])("holding $held with $free free slots (of 3) grants $granted", ({ held, free, granted }) => {
    const s = withPeers("A");
    s.submitJob(many());
    runAll(s, A, s.requestWork(A, 3, 0).assignments.slice(held), 1);
    expect(s.leases(A)).toHaveLength(held);
    expect(s.requestWork(A, free, 2).assignments).toHaveLength(granted);
  });

  it("does not grant twice when a peer repeats its request before using the answer", () => {
    const s = withPeers("A");
    s.submitJob(many());
    expect(s.requestWork(A, 2, 0).assignments).toHaveLength(3);
    expect(s.requestWork(A, 2, 1).assignments).toHaveLength(0);
  });

  it("takes a declared slot count over what it learned", () => {
    const s = withPeers("A");
    s.submitJob(many());
    runAll(s, A, s.requestWork(A, 4, 0).assignments, 1);
    s.addPeer(A, 1);
    expect(s.requestWork(A, 1, 2).assignments).toHaveLength(2);
    expect(s.requestWork(A, 0, 3).assignments).toHaveLength(0);
    expect(s.peerSnapshot(A)).toMatchObject({ slots: 1, leases: 2 });
  });

  it("caps what a peer claims at maxSlots", () => {
    const s = new JobScheduler({ maxSlots: 4 });
    s.addPeer(A);
    s.submitJob(many());
    expect(s.requestWork(A, 1_000, 0).assignments).toHaveLength(5);
  });

  it("refuses unknown peers", () => {
    expect(new JobScheduler().requestWork(A, 1, 0).refused).toMatch(/unknown peer A/);
  });

  it("prefetches more for a peer that finishes tasks fast, up to maxPrefetch, and one once it slows", () => {
    const options = { prefetchWindowMs: 50, maxPrefetch: 8 };
    const s = new JobScheduler(options);
    s.addPeer(A, 1);
    s.submitJob(job("j", [series("x", 1000)], { split: { kind: "rows", rows: 1 } }, { hasReduce: false }));
    const held: Assignment[] = [];
    let now = 0;
    // One result every 5 ms: 0.2 per ms × 50 ms wants 10 prefetched, capped at 8.
    for (; now < 1000; now += 5) {
      const a = held.shift();
      if (a) s.submitResult(A, a.taskId, a.attempt, execute(a.task), now);
      held.push(...s.requestWork(A, 1, now).assignments);
    }
    expect(held).toHaveLength(1 + 8);
    expect(s.peerSnapshot(A)).toMatchObject({ slots: 1, leases: 9, credit: 0 });
    // Then one every 400 ms: the rate falls and the credit is back to slots + 1.
    for (const a of held.splice(0)) s.submitResult(A, a.taskId, a.attempt, execute(a.task), (now += 400));
    expect(s.peerSnapshot(A)).toMatchObject({ leases: 0, credit: 2 });
    expect(JobScheduler.fromJSON(s.toJSON(), options).peerSnapshot(A)).toEqual(s.peerSnapshot(A));
  });

  it("does not count a peer's idle time between jobs against its rate", () => {
    const options = { prefetchWindowMs: 50, maxPrefetch: 8 };
    const s = new JobScheduler(options);
    s.addPeer(A, 1);
    const rows = (name: string) => job(name, [series("x", 300)], { split: { kind: "rows", rows: 1 } }, { hasReduce: false });
    s.submitJob(rows("j1"));
    const held: Assignment[] = [];
    let now = 0;
    for (; s.jobSnapshot(jobId("j1"))?.status === "running"; now += 5) {
      const a = held.shift();
      if (a) s.submitResult(A, a.taskId, a.attempt, execute(a.task), now);
      held.push(...s.requestWork(A, 1, now).assignments);
    }
    // Five idle seconds, then a new job: the first result after the gap keeps the prefetch deep.
    now += 5000;
    s.submitJob(rows("j2"));
    held.push(...s.requestWork(A, 1, now).assignments);
    expect(held).toHaveLength(1 + 8);
    const first = held.shift()!;
    s.submitResult(A, first.taskId, first.attempt, execute(first.task), now + 5);
    expect(s.peerSnapshot(A)).toMatchObject({ leases: 8, credit: 1 });
  });
});

describe("JobScheduler: choosing tasks", () => {
  it("prefers tasks over shards the peer holds, then plan order", () => {
    const s = withPeers("A", "B");
    s.submitJob(job("j", [series("a", 5), series("b", 5), series("c", 5)], {}, { hasReduce: false }));
    s.setPeerShards(B, [shardOf("c"), shardOf("zzz")]);
    expect(s.requestWork(B, 0, 0).assignments.map((a) => a.task.kind === "map" && a.task.slice.key)).toEqual(["c"]);
    expect(s.requestWork(A, 0, 0).assignments.map((a) => a.task.kind === "map" && a.task.slice.key)).toEqual(["a"]);
    expect(s.requestWork(B, 1, 0).assignments.map((a) => a.task.kind === "map" && a.task.slice.key)).toEqual(["b"]);
  });

  it("shares the grid between jobs by running tasks per weight", () => {
    const s = withPeers("A");
    const big = job("big", [series("x", 100)], { split: { kind: "rows", rows: 1 } }, { hasReduce: false });
    const small = job("small", [series("y", 3)], { split: { kind: "rows", rows: 1 } }, { hasReduce: false });
    s.submitJob(big);
    const first = s.requestWork(A, 9, 0).assignments;
    s.submitJob(small);
    s.submitJob({ ...job("heavy", [series("z", 100)], { split: { kind: "rows", rows: 1 } }, { hasReduce: false }), weight: 3 });
    runAll(s, A, first, 1);
    const jobs = s.requestWork(A, 9, 2).assignments.map((a) => a.jobId);
    expect(jobs).toEqual(["big", "small", "heavy", "heavy", "heavy", "big", "small", "heavy", "heavy", "heavy"]);
  });

  it("lets a second job progress while a big one runs", () => {
    const s = withPeers("A", "B");
    const big = job("big", [series("x", 500)], { split: { kind: "rows", rows: 1 } });
    const small = job("small", [series("y", 4)], { split: { kind: "rows", rows: 1 } });
    s.submitJob(big);
    let now = 0;
    for (; now < 20; now++) for (const p of [A, B]) runAll(s, p, s.requestWork(p, 1, now).assignments, now);
    s.submitJob(small);
    for (; s.jobSnapshot(small.id)?.status === "running"; now++) for (const p of [A, B]) runAll(s, p, s.requestWork(p, 1, now).assignments, now);
    expect(s.jobSnapshot(small.id)?.result).toEqual(reference(small));
    expect(s.jobSnapshot(big.id)?.status).toBe("running");
    expect(now).toBeLessThan(30);
  });
});

describe("JobScheduler: cancel and peers", () => {
  it("returns a cancelled job's leases and ignores its later results", () => {
    const s = withPeers("A", "B");
    const sub = job("j", [series("x", 10)], { split: { kind: "rows", rows: 2 } });
    s.submitJob(sub);
    const [a] = s.requestWork(A, 0, 0).assignments;
    const bs = s.requestWork(B, 1, 0).assignments;
    const fx = s.cancelJob(sub.id);
    expect(fx.cancel.map((l) => [l.peerId, l.taskId])).toEqual([[A, "j/map/0"], [B, "j/map/1"], [B, "j/map/2"]]);
    expect(s.jobSnapshot(sub.id)?.status).toBe("cancelled");
    if (!a) throw new Error("no assignment");
    expect(s.submitResult(A, a.taskId, a.attempt, execute(a.task), 1)).toMatchObject({ status: "stale", reason: "job j is cancelled" });
    expect(s.requestWork(A, 4, 2).assignments).toEqual([]);
    expect(s.leases()).toEqual([]);
    expect(bs).toHaveLength(2);
  });

  it("expires a leaving peer's leases at once and hands the tasks to others", () => {
    const s = withPeers("A", "B");
    s.submitJob(job("j", [series("x", 10)], { split: { kind: "rows", rows: 5 } }));
    const held = s.requestWork(A, 1, 0).assignments;
    const gone = s.removePeer(A);
    expect(gone.expired.map((l) => [l.taskId, l.attempt])).toEqual(held.map((a) => [a.taskId, a.attempt]));
    expect(s.requestWork(B, 1, 1).assignments.map((a) => [a.taskId, a.attempt])).toEqual([["j/map/0", 2], ["j/map/1", 2]]);
    expect(s.peerSnapshot(A)).toMatchObject({ online: false, leases: 0 });
    expect(s.peerIds()).toEqual([B]);
    expect(s.requestWork(A, 1, 2).refused).toMatch(/unknown peer/);
  });

  it("forgets finished jobs only", () => {
    const s = withPeers("A");
    const sub = job("j", [series("x", 3)]);
    s.submitJob(sub);
    expect(s.forgetJob(sub.id)).toBe(false);
    s.cancelJob(sub.id);
    expect(s.forgetJob(sub.id)).toBe(true);
    expect(s.jobSnapshot(sub.id)).toBeUndefined();
  });
});
