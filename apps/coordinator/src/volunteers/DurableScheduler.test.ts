import { describe, expect, it } from "vitest";
import type { DatasetId, JobId, Json, PeerId, ShardHash, TaskId } from "@shoal/protocol";
import { parseJobSpec } from "@shoal/protocol";
import type { Assignment, JobSubmission } from "@shoal/scheduler";
import { planJob } from "@shoal/scheduler";
import { MemoryStore } from "../store/MemoryStore.ts";
import { sampleDataset } from "../store/runStoreTests.ts";
import type { Applied } from "./DurableScheduler.ts";
import { DurableScheduler, UnloggableCommand } from "./DurableScheduler.ts";

const A = "A" as PeerId;
const B = "B" as PeerId;
const SHARD = "c".repeat(64) as ShardHash;

function submission(id: string, rows = 40): JobSubmission {
  const spec = parseJobSpec({ script: "", split: { kind: "rows", rows: 10 }, params: { a: [1, 2] } });
  const time = Float64Array.from({ length: rows }, (_, i) => i * 1000);
  return { id: id as JobId, graph: planJob(id as JobId, spec, [{ key: "x", time, shard: SHARD }], true) };
}

function storeWithDataset(): MemoryStore {
  const store = new MemoryStore();
  store.insertDataset(sampleDataset("d1"));
  return store;
}

function submit(s: DurableScheduler, store: MemoryStore, job: JobSubmission): void {
  s.run({ type: "submit-job", job }, () =>
    store.insertJob({ id: job.id, dataset: "d1" as DatasetId, spec: "{}", hasReduce: true, replicas: 1, quorum: 1, createdAt: "2024-01-01T00:00:00.000Z" }),
  );
}

const answer = (a: Assignment) => (a.task.kind === "map" ? { outputs: a.task.points.map((p) => p.index) } : { output: a.task.values.length });

describe("DurableScheduler", () => {
  it("restores exactly the state it had from snapshot plus log, compacting the log on open", () => {
    const store = storeWithDataset();
    const s = DurableScheduler.open(store, {}, 7);
    s.run({ type: "add-peer", peerId: A });
    submit(s, store, submission("j"));
    for (let now = 0; now < 5; now++) {
      const grant = s.run({ type: "request-work", peerId: A, freeSlots: 1, now });
      const [first] = grant.assignments;
      if (first) s.run({ type: "submit-result", peerId: A, taskId: first.taskId, attempt: first.attempt, result: answer(first), now });
    }
    const before = s.state();
    expect(store.loadScheduler().commands.length).toBeGreaterThan(0);
    const again = DurableScheduler.open(store, {}, 7);
    expect(again.state()).toEqual(before);
    expect(store.loadScheduler().commands).toEqual([]);
  });

  it("archives a finished job with its result in the same transaction and forgets it", () => {
    const store = storeWithDataset();
    const s = DurableScheduler.open(store);
    const seen: Applied[] = [];
    s.onApplied((applied) => seen.push(applied));
    s.run({ type: "add-peer", peerId: A, slots: 4 });
    submit(s, store, submission("j", 20));
    for (let now = 0; s.jobSnapshot("j" as JobId); now++) {
      for (const a of s.run({ type: "request-work", peerId: A, freeSlots: 4, now }).assignments) {
        s.run({ type: "submit-result", peerId: A, taskId: a.taskId, attempt: a.attempt, result: answer(a), now });
      }
    }
    const done = seen.flatMap((a) => a.finished);
    expect(done.map((f) => f.id)).toEqual(["j"]);
    expect(store.getJob("j" as JobId)?.outcome).toMatchObject({ status: "done", tasks: { total: 3, done: 3 }, results: { accepted: 3 } });
    expect(JSON.parse(store.jobResult("j" as JobId) ?? "null")).toBe(4);
    expect(DurableScheduler.open(store).jobSnapshot("j" as JobId)).toBeUndefined();
  });

  it("does not log a tick that expires nothing, but logs one that does", () => {
    const store = storeWithDataset();
    const s = DurableScheduler.open(store, { leaseMs: 100 });
    s.run({ type: "add-peer", peerId: A });
    submit(s, store, submission("j"));
    s.run({ type: "request-work", peerId: A, freeSlots: 1, now: 0 });
    const logged = () => store.loadScheduler().commands.length;
    const n = logged();
    s.run({ type: "tick", now: 50 });
    expect(logged()).toBe(n);
    expect(s.run({ type: "tick", now: 150 }).expired).toHaveLength(2);
    expect(logged()).toBe(n + 1);
  });

  it("logs no report that changed nothing: unknown task, another peer's lease, a duplicate", () => {
    const store = storeWithDataset();
    const s = DurableScheduler.open(store);
    s.run({ type: "add-peer", peerId: A });
    s.run({ type: "add-peer", peerId: B });
    submit(s, store, submission("j"));
    const [a] = s.run({ type: "request-work", peerId: A, freeSlots: 1, now: 0 }).assignments;
    s.run({ type: "submit-result", peerId: A, taskId: a!.taskId, attempt: a!.attempt, result: answer(a!), now: 1 });
    const logged = store.loadScheduler().commands.length;
    const big = { outputs: ["x".repeat(1_000_000)] };
    const reports = [
      s.run({ type: "submit-result", peerId: B, taskId: "j/map/made-up" as TaskId, attempt: 1, result: big, now: 2 }),
      s.run({ type: "submit-result", peerId: B, taskId: a!.taskId, attempt: a!.attempt, result: big, now: 2 }),
      s.run({ type: "submit-result", peerId: A, taskId: a!.taskId, attempt: a!.attempt, result: answer(a!), now: 2 }),
      s.run({ type: "submit-failure", peerId: B, taskId: a!.taskId, attempt: 9, error: { kind: "internal", message: "x" } }),
    ];
    expect(reports.map((r) => r.status)).toEqual(["rejected", "rejected", "duplicate", "rejected"]);
    expect(store.loadScheduler().commands.length).toBe(logged);
  });

  it("logs a result rejected as malformed without its payload, and replays it to the same state", () => {
    const store = storeWithDataset();
    const s = DurableScheduler.open(store);
    s.run({ type: "add-peer", peerId: A });
    submit(s, store, submission("j"));
    const [a] = s.run({ type: "request-work", peerId: A, freeSlots: 1, now: 0 }).assignments;
    const before = store.loadScheduler().commands.length;
    const outcome = s.run({ type: "submit-result", peerId: A, taskId: a!.taskId, attempt: a!.attempt, result: { outputs: ["x".repeat(1_000_000)] }, now: 1 });
    expect(outcome.status).toBe("rejected");
    const logged = store.loadScheduler().commands.slice(before);
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged).length).toBeLessThan(1_000);
    expect(DurableScheduler.open(store).state()).toEqual(s.state());
  });

  it("turns away a command it cannot log before applying it, and commits the others of its group", () => {
    const store = storeWithDataset();
    const s = DurableScheduler.open(store);
    s.run({ type: "add-peer", peerId: A, slots: 2 });
    submit(s, store, submission("j"));
    const [a, b] = s.run({ type: "request-work", peerId: A, freeSlots: 2, now: 0 }).assignments;
    const deep = JSON.parse("[".repeat(20_000) + "]".repeat(20_000)) as Json;
    s.defer({ type: "submit-result", peerId: A, taskId: b!.taskId, attempt: b!.attempt, result: answer(b!), now: 1 });
    expect(() => s.defer({ type: "submit-result", peerId: A, taskId: a!.taskId, attempt: a!.attempt, result: { outputs: [deep, deep] }, now: 1 })).toThrow(UnloggableCommand);
    s.flush();
    const held = s.leases(A).map((l) => l.taskId);
    expect(held).toContain(a!.taskId);
    expect(held).not.toContain(b!.taskId);
    expect(s.jobSnapshot("j" as JobId)?.results).toEqual({ accepted: 1, rejected: 0 });
    expect(DurableScheduler.open(store).state()).toEqual(s.state());
    expect(s.run({ type: "submit-result", peerId: A, taskId: a!.taskId, attempt: a!.attempt, result: answer(a!), now: 2 }).status).toBe("accepted");
  });

  it("rolls the scheduler back with the store when the transaction fails", () => {
    const store = storeWithDataset();
    const s = DurableScheduler.open(store);
    const before = s.state();
    expect(() =>
      s.run({ type: "submit-job", job: submission("j") }, () => {
        throw new Error("disk full");
      }),
    ).toThrow("disk full");
    expect(s.state()).toEqual(before);
    expect(s.jobSnapshot("j" as JobId)).toBeUndefined();
  });

  it("after a commit fails while the store cannot be read either (the database down), tells its listeners, applies nothing more until it has rebuilt from the store, and then hands out the tasks the failed commit had taken", () => {
    const store = storeWithDataset();
    const s = DurableScheduler.open(store);
    s.run({ type: "add-peer", peerId: A, slots: 4 });
    submit(s, store, submission("j"));
    const failures: unknown[] = [];
    s.onCommitFailed((error) => failures.push(error));
    let down = false;
    const outage = () => {
      if (down) throw new Error("the database is down");
    };
    const transaction = store.transaction.bind(store);
    const loadScheduler = store.loadScheduler.bind(store);
    store.transaction = <T>(fn: () => T): T => (outage(), transaction(fn));
    store.loadScheduler = () => (outage(), loadScheduler());

    down = true;
    expect(() => s.run({ type: "request-work", peerId: A, freeSlots: 4, now: 1 })).toThrow("the database is down");
    expect(failures).toEqual([new Error("the database is down")]);
    // Still down: nothing is applied on top of the state the failed commit left in memory.
    expect(() => s.run({ type: "request-work", peerId: A, freeSlots: 4, now: 2 })).toThrow("the database is down");

    down = false;
    // Back: the work the failed commits took was never logged nor sent, so it is handed out again.
    const grant = s.run({ type: "request-work", peerId: A, freeSlots: 4, now: 3 });
    expect(grant.assignments).toHaveLength(4);
    expect(s.state()).toEqual(DurableScheduler.open(store).state());
  });
});
