import { describe, expect, it } from "vitest";
import type { JobId, PeerId, TaskId } from "@shoal/protocol";
import type { SchedulerEvent } from "@shoal/scheduler";
import { MemoryStore } from "../store/MemoryStore.ts";
import { creditEntries } from "./creditEntries.ts";

const AT = "2026-01-01T00:00:00.000Z";
const [ADA, BOB] = ["a".repeat(64), "b".repeat(64)];
const done = (winners: string[], quorum = 2): SchedulerEvent => ({ type: "task-done", jobId: "j" as JobId, taskId: "j/map/0" as TaskId, winners: winners as PeerId[], units: 40, quorum });

function ledger() {
  const { credit } = new MemoryStore();
  credit.bindPeer("ada1" as PeerId, { donor: ADA }, AT);
  credit.bindPeer("ada2" as PeerId, { donor: ADA }, AT);
  credit.bindPeer("bob" as PeerId, { donor: BOB }, AT);
  credit.bindPeer("visitor1" as PeerId, { site: "example.org" }, AT);
  credit.bindPeer("visitor2" as PeerId, { site: "example.org" }, AT);
  credit.setProfile(ADA, { name: "Ada", team: "Engines" }, AT);
  return credit;
}

describe("creditEntries", () => {
  it("credits each distinct agreeing account once, with the task's units and the donor's team now", () => {
    const rows = creditEntries([done(["ada1", "bob", "visitor1"])], ledger(), AT);
    expect(rows.map((r) => [r.account, r.units, r.team])).toEqual([[`d:${ADA}`, 40, "Engines"], [`d:${BOB}`, 40, undefined], ["s:example.org", 40, undefined]]);
  });

  it("grants nothing for a result no second account checked: quorum 1, or two sessions under one key or one site", () => {
    const credit = ledger();
    expect(creditEntries([done(["ada1"], 1)], credit, AT)).toEqual([]);
    expect(creditEntries([done(["ada1", "ada2"])], credit, AT)).toEqual([]);
    expect(creditEntries([done(["visitor1", "visitor2"])], credit, AT)).toEqual([]);
  });

  it("needs the job's own quorum of distinct accounts when it asked for more than two", () => {
    expect(creditEntries([done(["ada1", "ada2", "bob"], 3)], ledger(), AT)).toEqual([]);
    expect(creditEntries([done(["ada1", "bob", "anon"], 3)], ledger(), AT)).toHaveLength(3);
  });

  it("ignores every other event", () => {
    expect(creditEntries([{ type: "job-done", jobId: "j" as JobId, result: 1 }, { type: "peer-refused", peerId: "bob" as PeerId, reason: "x" }], ledger(), AT)).toEqual([]);
  });
});
