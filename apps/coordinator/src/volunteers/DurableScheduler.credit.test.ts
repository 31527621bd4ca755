import { describe, expect, it } from "vitest";
import type { DatasetId, JobId, PeerId, ShardHash } from "@shoal/protocol";
import { parseJobSpec } from "@shoal/protocol";
import type { Assignment, JobSubmission } from "@shoal/scheduler";
import { planJob } from "@shoal/scheduler";
import { creditEntries } from "../credit/creditEntries.ts";
import { MemoryStore } from "../store/MemoryStore.ts";
import { sampleDataset } from "../store/runStoreTests.ts";
import { DurableScheduler } from "./DurableScheduler.ts";

const [A, B] = ["A" as PeerId, "B" as PeerId];
const AT = "2026-01-01T00:00:00.000Z";
const answer = (a: Assignment) => (a.task.kind === "map" ? { outputs: a.task.points.map((p) => p.index) } : { output: a.task.values.length });

function quorumJob(): JobSubmission {
  const spec = parseJobSpec({ script: "", split: { kind: "rows", rows: 10 }, params: { a: [1, 2] } });
  const time = Float64Array.from({ length: 20 }, (_, i) => i * 1000);
  return { id: "j" as JobId, graph: planJob("j" as JobId, spec, [{ key: "x", time, shard: "c".repeat(64) as ShardHash }], false), replicas: 2, quorum: 2 };
}

function grid(store: MemoryStore): DurableScheduler {
  const s = DurableScheduler.open(store);
  s.withinCommit((events) => store.credit.record(creditEntries(events, store.credit, AT)));
  for (const [peer, donor] of [[A, "a".repeat(64)], [B, "b".repeat(64)]] as const) {
    s.run({ type: "add-peer", peerId: peer, slots: 1 }, () => store.credit.bindPeer(peer, { donor }, AT));
  }
  store.insertDataset(sampleDataset("d1"));
  const row = { id: "j" as JobId, dataset: "d1" as DatasetId, spec: "{}", hasReduce: false, replicas: 2, quorum: 2, createdAt: AT };
  s.run({ type: "submit-job", job: quorumJob() }, () => store.insertJob(row));
  return s;
}

function runOne(s: DurableScheduler, peer: PeerId, now: number): void {
  for (const a of s.run({ type: "request-work", peerId: peer, freeSlots: 1, now }).assignments) {
    s.run({ type: "submit-result", peerId: peer, taskId: a.taskId, attempt: a.attempt, result: answer(a), now });
  }
}

describe("DurableScheduler: credit in the accepting commit", () => {
  it("writes a row per agreeing donor in the commit that completed the task, and none again on replay", () => {
    const store = new MemoryStore();
    const s = grid(store);
    for (let now = 0; s.jobSnapshot("j" as JobId) && now < 20; now++) runOne(s, now % 2 === 0 ? A : B, now);
    expect(store.getJob("j" as JobId)?.outcome?.status).toBe("done");
    expect(store.credit.count()).toBe(4);
    expect(store.credit.standing("a".repeat(64))).toMatchObject({ credit: 40, results: 2 });
    DurableScheduler.open(store).snapshot();
    expect(store.credit.count()).toBe(4);
  });

  it("writes nothing when the commit fails, and the task stays open for the next report", () => {
    const store = new MemoryStore();
    const s = grid(store);
    let failing = true;
    s.withinCommit((events) => {
      if (failing && events.some((e) => e.type === "task-done")) throw new Error("disk full");
    });
    runOne(s, A, 0);
    const [b] = s.run({ type: "request-work", peerId: B, freeSlots: 1, now: 1 }).assignments;
    const report = { type: "submit-result", peerId: B, taskId: b!.taskId, attempt: b!.attempt, result: answer(b!), now: 1 } as const;
    expect(() => s.run(report)).toThrow("disk full");
    expect(store.credit.count()).toBe(0);
    failing = false;
    s.run(report);
    expect(store.credit.count()).toBe(2);
  });
});
