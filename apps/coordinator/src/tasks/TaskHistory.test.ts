import { describe, expect, it } from "vitest";
import type { DatasetId, JobId, PeerId } from "@shoal/protocol";
import { parseJobSpec } from "@shoal/protocol";
import type { JobSubmission } from "@shoal/scheduler";
import { planJob } from "@shoal/scheduler";
import { DurableScheduler } from "../volunteers/DurableScheduler.ts";
import { silentLogger } from "../Logger.ts";
import { MemoryStore } from "../store/MemoryStore.ts";
import { sampleDataset } from "../store/runStoreTests.ts";
import { MemoryTaskHistoryStore } from "./MemoryTaskHistoryStore.ts";
import { TaskHistory } from "./TaskHistory.ts";

const A = "A" as PeerId;
const B = "B" as PeerId;
const J = "j" as JobId;

/** A scheduler over an in-memory store with a history beside it, and a map-only job of four one-point tasks. */
function setup() {
  const store = new MemoryStore();
  store.insertDataset(sampleDataset("d1"));
  const scheduler = DurableScheduler.open(store, { leaseMs: 1000, maxAttempts: 3 });
  const historyStore = new MemoryTaskHistoryStore();
  const history = new TaskHistory(historyStore, scheduler, silentLogger);
  const spec = parseJobSpec({ script: "", params: { a: [1, 2, 3, 4] }, batchSize: 1 });
  const job: JobSubmission = { id: J, graph: planJob(J, spec, [{ key: "x", time: Float64Array.from([0, 1, 2]), shard: "c".repeat(64) as never }], false) };
  scheduler.run({ type: "submit-job", job }, () =>
    store.insertJob({ id: J, dataset: "d1" as DatasetId, spec: "{}", hasReduce: false, replicas: 1, quorum: 1, createdAt: "2024-01-01T00:00:00.000Z" }),
  );
  scheduler.run({ type: "add-peer", peerId: A, slots: 4 });
  scheduler.run({ type: "add-peer", peerId: B, slots: 4 });
  const settle = () => {
    scheduler.flush();
    history.flush();
  };
  return { scheduler, history, historyStore, settle };
}

describe("TaskHistory", () => {
  it("records each attempt's volunteer, times and end: a result with its print output, a Lua error with its own, a timeout, a departure", () => {
    const { scheduler, history, historyStore, settle } = setup();
    const [a0, a1] = scheduler.run({ type: "request-work", peerId: A, freeSlots: 4, now: 100 }).assignments;
    history.noteLog(a0!.taskId, a0!.attempt, ["hi"]);
    scheduler.run({ type: "submit-result", peerId: A, taskId: a0!.taskId, attempt: 1, result: { outputs: [1] }, now: 150 });
    history.noteLog(a1!.taskId, a1!.attempt, ["before the error"]);
    scheduler.run({ type: "submit-failure", peerId: A, taskId: a1!.taskId, attempt: 1, error: { kind: "deadline", message: "job.lua: deadline exceeded after 1 s" } });
    scheduler.run({ type: "tick", now: 100 + 1001 });
    settle();
    const rows = historyStore.attemptsOf(J, 0, 4);
    expect(rows[0]).toEqual({ task: 0, attempt: 1, peer: A, start: 100, end: 150, outcome: "result", log: "hi\n", logTruncated: false });
    expect(rows[1]).toMatchObject({ task: 1, attempt: 1, outcome: "error", kind: "deadline", log: "before the error\n" });
    expect(rows.filter((r) => r.task === 2 || r.task === 3).map((r) => [r.task, r.outcome, r.end])).toEqual([
      [2, "timeout", 1101],
      [3, "timeout", 1101],
    ]);
    expect(historyStore.tasks(J, 0, 4).tasks.map((t) => t.state)).toEqual(["done", "pending", "pending", "pending"]);
    const retries = scheduler.run({ type: "request-work", peerId: B, freeSlots: 4, now: 1200 }).assignments;
    expect(retries.map((a) => a.attempt)).toEqual([2, 2, 2]);
    scheduler.run({ type: "remove-peer", peerId: B });
    settle();
    expect(historyStore.attemptsOf(J, 2, 3).map((r) => [r.attempt, r.peer, r.outcome])).toEqual([
      [1, A, "timeout"],
      [2, B, "disconnect"],
    ]);
  });

  it("marks the attempts a cancelled job took back as cancelled, and keeps no log no report claimed", () => {
    const { scheduler, history, historyStore, settle } = setup();
    const [first] = scheduler.run({ type: "request-work", peerId: A, freeSlots: 1, now: 10 }).assignments;
    history.noteLog("j/map/9", 1, ["never claimed"]);
    scheduler.run({ type: "cancel-job", jobId: J });
    settle();
    expect(historyStore.attemptsOf(J, 0, 4).filter((r) => r.task === 0)).toEqual([
      { task: 0, attempt: first!.attempt, peer: A, start: 10, end: expect.any(Number), outcome: "cancelled" },
    ]);
    expect(historyStore.latestAttempts(J, 100).attempts.every((r) => r.log === undefined)).toBe(true);
  });
});
