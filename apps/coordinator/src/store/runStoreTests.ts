import { afterEach, describe, expect, it } from "vitest";
import type { DatasetId, JobId, PeerId, ShardHash, TaskId } from "@shoal/protocol";
import type { SchedulerCommand, SchedulerState } from "@shoal/scheduler";
import { JobScheduler } from "@shoal/scheduler";
import { runCreditLedgerTests } from "../credit/runCreditLedgerTests.ts";
import type { DatasetRecord, JobRow, Store } from "./Store.ts";

const HASH = "a".repeat(64);
const SHARD = "b".repeat(64) as ShardHash;

/** A dataset record for store tests. */
export function sampleDataset(id: string, overrides: Partial<DatasetRecord> = {}): DatasetRecord {
  return {
    id: id as DatasetId,
    name: "sp500",
    hash: HASH,
    options: { name: "sp500" },
    columns: ["open", "close"],
    rows: 3,
    bytes: 120,
    series: [
      { key: "AAA", rows: 2, from: 0, to: 86_400_000, shard: SHARD },
      { key: "BBB", rows: 1, from: 5, to: 5, shard: SHARD },
    ],
    createdAt: "2024-01-01T00:00:00.000Z",
    ...overrides,
  };
}

function sampleJob(id: string, dataset: string, createdAt = "2024-01-02T00:00:00.000Z"): JobRow {
  return { id: id as JobId, dataset: dataset as DatasetId, spec: '{"script":"x"}', hasReduce: true, replicas: 1, quorum: 1, createdAt };
}

const state = (jobs: number): SchedulerState => ({ version: 1, jobs: [], peers: [{ id: `p${jobs}` as PeerId, slots: jobs, shards: [] }], reputation: [] });
const tick = (now: number): SchedulerCommand => ({ type: "tick", now });
/** Commands as the scheduler hands them to the store: each already JSON. */
export const logged = (...commands: SchedulerCommand[]): string[] => commands.map((command) => JSON.stringify(command));

/** A scheduler state holding two jobs of `tasks` map tasks each, every task carrying `pointChars` characters of parameters. */
export function largeState(tasks: number, pointChars: number): SchedulerState {
  const scheduler = new JobScheduler();
  for (const job of ["ja", "jb"] as JobId[]) {
    const nodes = Array.from({ length: tasks }, (_, i) => ({
      id: `${job}/map/${i}` as TaskId,
      work: { kind: "map" as const, slice: { key: "AAA", haloStart: 0, start: i, end: i + 1 }, points: [{ index: 0, p: { label: "x".repeat(pointChars) } }] },
      inputs: [],
      shard: SHARD,
    }));
    scheduler.submitJob({ id: job, graph: { tasks: nodes, result: { inputs: nodes.map((t) => ({ task: t.id, from: 0, to: 1 })), shape: "list" } }, replicas: 1, quorum: 1 });
  }
  return scheduler.toJSON();
}

/**
 * The behaviour every {@link Store} must show; call it from each implementation's test file with a
 * factory that opens a fresh, empty store.
 */
export function runStoreTests(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`Store: ${name}`, () => {
    let store: Store | undefined;
    const open = async () => (store = await makeStore());
    afterEach(() => {
      store?.close();
      store = undefined;
    });

    runCreditLedgerTests(open);

    it("stores datasets with their series and finds them by id, hash and options", async () => {
      const s = await open();
      const a = sampleDataset("d1");
      const b = sampleDataset("d2", { options: { name: "other", keyColumn: "Symbol" }, name: "other", createdAt: "2024-01-03T00:00:00.000Z" });
      s.insertDataset(a);
      s.insertDataset(b);
      expect(s.getDataset(a.id)).toEqual(a);
      expect(s.getDataset("nope" as DatasetId)).toBeUndefined();
      expect(s.findDataset(HASH, { name: "sp500" })).toEqual(a);
      expect(s.findDataset(HASH, { name: "other", keyColumn: "symbol" })?.id).toBe("d2");
      expect(s.findDataset(HASH, { name: "sp500", timeColumn: "date" })).toBeUndefined();
      expect(s.datasetsByHash(HASH).map((d) => d.id)).toEqual(["d2", "d1"]);
      expect(s.datasetsByHash("c".repeat(64))).toEqual([]);
      expect(s.listDatasets(10).map((d) => d.id)).toEqual(["d2", "d1"]);
      const { series, ...outline } = b;
      expect(s.listDatasets(1)).toEqual([{ ...outline, seriesCount: series.length }]);
      expect(() => s.insertDataset(sampleDataset("d3"))).toThrow();
    });

    it("returns copies, so callers cannot change what is stored", async () => {
      const s = await open();
      const a = sampleDataset("d1");
      s.insertDataset(a);
      a.series[0]!.rows = 99;
      const read = s.getDataset(a.id)!;
      read.columns.push("x");
      expect(s.getDataset(a.id)?.series[0]?.rows).toBe(2);
      expect(s.getDataset(a.id)?.columns).toEqual(["open", "close"]);
    });

    it("keeps dataset versions in a line: each version has at most one child", async () => {
      const s = await open();
      s.insertDataset(sampleDataset("d1"));
      const v2 = sampleDataset("d2", { hash: "c".repeat(64), parent: "d1" as DatasetId, version: 2, rows: 4 });
      s.insertDataset(v2);
      expect(s.getDataset(v2.id)).toEqual(v2);
      expect(s.childOf("d1" as DatasetId)).toBe("d2");
      expect(s.childOf("d2" as DatasetId)).toBeUndefined();
      expect(s.getDataset("d1" as DatasetId)).toEqual(sampleDataset("d1"));
      expect(() => s.insertDataset(sampleDataset("d3", { hash: "d".repeat(64), parent: "d1" as DatasetId, version: 2 }))).toThrow();
      expect(s.getDataset("d3" as DatasetId)).toBeUndefined();
    });

    it("keeps each series' chunks in order with their rows, and series stored without chunks as they were", async () => {
      const s = await open();
      const chunk = (c: string) => c.repeat(64) as ShardHash;
      const v1 = sampleDataset("d1", {
        series: [
          { key: "AAA", rows: 5, from: 0, to: 4, shard: chunk("e"), chunks: [{ hash: chunk("1"), rows: 4 }, { hash: chunk("2"), rows: 1 }] },
          { key: "BBB", rows: 1, from: 5, to: 5, shard: SHARD },
        ],
      });
      s.insertDataset(v1);
      const v2 = sampleDataset("d2", {
        hash: "c".repeat(64),
        parent: v1.id,
        version: 2,
        series: [{ key: "AAA", rows: 7, from: 0, to: 6, shard: chunk("f"), chunks: [{ hash: chunk("1"), rows: 4 }, { hash: chunk("2"), rows: 1 }, { hash: chunk("3"), rows: 2 }] }],
      });
      s.insertDataset(v2);
      expect(s.getDataset(v1.id)).toEqual(v1);
      expect(s.getDataset(v2.id)).toEqual(v2);
      expect(s.getDataset(v1.id)?.series[1]).not.toHaveProperty("chunks");
      expect(s.datasetsByHash("c".repeat(64))[0]?.series[0]?.chunks?.map((c) => c.rows)).toEqual([4, 1, 2]);
    });

    it("memoizes task outputs by key, keeping the first outputs stored under a key", async () => {
      const s = await open();
      expect(s.getMemo("k1")).toBeUndefined();
      s.putMemo("k1", "[1,2]");
      s.putMemo("k2", '[{"a":1}]');
      s.putMemo("k1", "[3]");
      expect(s.getMemo("k1")).toBe("[1,2]");
      expect(s.getMemo("k2")).toBe('[{"a":1}]');
      expect(s.countMemos()).toBe(2);
      expect(() => s.transaction(() => (s.putMemo("k3", "[]"), s.putMemo("k4", "[]"), (() => { throw new Error("boom"); })()))).toThrow("boom");
      expect(s.getMemo("k3")).toBeUndefined();
      expect(s.countMemos()).toBe(2);
    });

    it("evicts the oldest memos past a bound in one trim, keeping a re-put key's first place, and rolls back with its transaction", async () => {
      const s = await open();
      for (let i = 1; i <= 6; i++) s.putMemo(`k${i}`, `[${i}]`);
      s.putMemo("k1", "[99]");
      expect(s.trimMemos(10)).toBe(0);
      expect(s.countMemos()).toBe(6);
      expect(() => s.transaction(() => (s.trimMemos(1), (() => { throw new Error("boom"); })()))).toThrow("boom");
      expect(s.countMemos()).toBe(6);
      expect(s.trimMemos(4)).toBe(2);
      expect(s.countMemos()).toBe(4);
      // k1 was stored first; storing it again did not make it newer.
      expect(s.getMemo("k1")).toBeUndefined();
      expect(s.getMemo("k2")).toBeUndefined();
      expect(s.getMemo("k3")).toBe("[3]");
      s.transaction(() => {
        s.putMemo("k7", "[7]");
        s.putMemo("k1", "[1]");
        expect(s.trimMemos(3)).toBe(3);
      });
      expect([1, 2, 3, 4, 5, 6, 7].filter((i) => s.getMemo(`k${i}`) !== undefined)).toEqual([1, 6, 7]);
      expect(s.trimMemos(3)).toBe(0);
    });

    it("keeps token hashes", async () => {
      const s = await open();
      expect(s.countTokens()).toBe(0);
      s.addToken("h1", "first", "2024-01-01T00:00:00.000Z");
      s.addToken("h2", "second", "2024-01-01T00:00:00.000Z");
      expect(s.hasToken("h1")).toBe(true);
      expect(s.hasToken("h3")).toBe(false);
      expect(s.countTokens()).toBe(2);
    });

    it("keeps live chains: one row each, replaced in place, listed oldest first up to a limit, forgotten when stopped, refused for a job it lacks", async () => {
      const s = await open();
      s.insertDataset(sampleDataset("d1"));
      for (const id of ["j1", "j2", "j3", "j4"]) s.insertJob(sampleJob(id, "d1"));
      const a = { id: "j1" as JobId, owner: "h-a", current: "j1" as JobId, createdAt: "2024-01-02T00:00:00.000Z", epoch: 0 };
      const b = { id: "j3" as JobId, owner: "h-b", current: "j3" as JobId, createdAt: "2024-01-03T00:00:00.000Z", epoch: 0 };
      s.putLiveChain(b);
      s.putLiveChain(a);
      expect(s.listLiveChains(10)).toEqual([a, b]);
      const moved = { ...a, current: "j2" as JobId, last: "j1" as JobId };
      s.putLiveChain(moved);
      expect(s.listLiveChains(10)).toEqual([moved, b]);
      expect(s.listLiveChains(1)).toEqual([moved]);
      expect(() => s.putLiveChain({ ...b, current: "j-missing" as JobId })).toThrow();
      s.deleteLiveChain(a.id);
      s.deleteLiveChain("j-none" as JobId);
      expect(s.listLiveChains(10)).toEqual([b]);
    });

    it("fences a live chain's next version: of two nodes claiming at one epoch only the first wins, and a move under a stale epoch writes nothing", async () => {
      const s = await open();
      s.insertDataset(sampleDataset("d1"));
      for (const id of ["j1", "j2", "j3"]) s.insertJob(sampleJob(id, "d1"));
      s.putLiveChain({ id: "j1" as JobId, owner: "h", current: "j1" as JobId, createdAt: "2024-01-02T00:00:00.000Z", epoch: 0 });
      // Both nodes read epoch 0 and race to start version 2: the second claim matches no row.
      expect(s.claimLiveChain("j1" as JobId, 0)).toBe(true);
      expect(s.claimLiveChain("j1" as JobId, 0)).toBe(false);
      // The loser's job, had it got this far, cannot move the chain: only the winner's epoch does.
      expect(s.moveLiveChain("j1" as JobId, 0, "j3" as JobId, "j1" as JobId)).toBe(false);
      expect(s.getLiveChain("j1" as JobId)).toEqual({ id: "j1", owner: "h", current: "j1", createdAt: "2024-01-02T00:00:00.000Z", epoch: 1 });
      expect(s.moveLiveChain("j1" as JobId, 1, "j2" as JobId, "j1" as JobId)).toBe(true);
      expect(s.getLiveChain("j1" as JobId)).toEqual({ id: "j1", owner: "h", current: "j2", last: "j1", createdAt: "2024-01-02T00:00:00.000Z", epoch: 1 });
      // A claim replayed at an old epoch, and claims or moves of a stopped chain, change nothing.
      expect(s.claimLiveChain("j1" as JobId, 0)).toBe(false);
      expect(s.claimLiveChain("j1" as JobId, 1)).toBe(true);
      expect(s.getLiveChain("j1" as JobId)?.epoch).toBe(2);
      s.deleteLiveChain("j1" as JobId);
      expect(s.claimLiveChain("j1" as JobId, 2)).toBe(false);
      expect(s.moveLiveChain("j1" as JobId, 2, "j3" as JobId, undefined)).toBe(false);
      expect(s.getLiveChain("j1" as JobId)).toBeUndefined();
    });

    it("stores jobs, finishes them once with their outcome, and lists them newest first", async () => {
      const s = await open();
      s.insertDataset(sampleDataset("d1"));
      s.insertJob(sampleJob("j1", "d1", "2024-01-02T00:00:00.000Z"));
      s.insertJob(sampleJob("j2", "d1", "2024-01-03T00:00:00.000Z"));
      expect(() => s.insertJob(sampleJob("j1", "d1"))).toThrow();
      expect(() => s.insertJob(sampleJob("j3", "missing"))).toThrow();
      expect(s.getJob("j1" as JobId)).toEqual(sampleJob("j1", "d1"));
      expect(s.jobResult("j1" as JobId)).toBeUndefined();
      const tasks = { total: 2, waiting: 0, queued: 0, running: 0, done: 2, failed: 0 };
      s.finishJob("j1" as JobId, { status: "done", finishedAt: "2024-01-04T00:00:00.000Z", tasks, results: { accepted: 2, rejected: 0 }, result: "[1,2]" });
      const error = { message: "job.lua:3: boom", line: 3, traceback: "stack", kind: "runtime" as const };
      s.finishJob("j2" as JobId, { status: "failed", finishedAt: "2024-01-04T00:00:00.000Z", tasks, results: { accepted: 0, rejected: 1 }, error });
      expect(() => s.finishJob("j9" as JobId, { status: "cancelled", finishedAt: "", tasks, results: { accepted: 0, rejected: 0 } })).toThrow();
      expect(s.getJob("j1" as JobId)?.outcome).toEqual({ status: "done", finishedAt: "2024-01-04T00:00:00.000Z", tasks, results: { accepted: 2, rejected: 0 } });
      expect(s.jobResult("j1" as JobId)).toBe("[1,2]");
      expect(s.getJob("j2" as JobId)?.outcome?.error).toEqual(error);
      expect(s.listJobs(10).map((j) => j.id)).toEqual(["j2", "j1"]);
      expect(s.listJobs(1).map((j) => j.id)).toEqual(["j2"]);
      expect(s.countJobs()).toEqual({ running: 0, done: 1, failed: 1, cancelled: 0 });
    });

    it("remembers the peer ids it issued with their latest secret hash, one row each", async () => {
      const s = await open();
      s.rememberPeer("p1" as PeerId, "h1", "2024-01-01T00:00:00.000Z");
      s.rememberPeer("p1" as PeerId, "h2", "2024-01-02T00:00:00.000Z");
      expect(s.peerSecretHash("p1" as PeerId)).toBe("h2");
      expect(s.peerSecretHash("p2" as PeerId)).toBeUndefined();
      expect(s.countPeers()).toBe(1);
    });

    it("prunes peers last seen before a time, except those it is told to keep", async () => {
      const s = await open();
      s.rememberPeer("old" as PeerId, "h", "2024-01-01T00:00:00.000Z");
      s.rememberPeer("kept" as PeerId, "h", "2024-01-01T00:00:00.000Z");
      s.rememberPeer("new" as PeerId, "h", "2024-01-03T00:00:00.000Z");
      expect(s.prunePeers("2024-01-02T00:00:00.000Z", new Set(["kept" as PeerId]))).toBe(1);
      expect(s.peerSecretHash("old" as PeerId)).toBeUndefined();
      expect(s.countPeers()).toBe(2);
    });

    it("logs scheduler commands in order and truncates the log at a snapshot", async () => {
      const s = await open();
      expect(s.loadScheduler()).toEqual({ commands: [], lastSeq: 0 });
      const seqs = [1, 2, 3].map((n) => s.appendCommands(logged(tick(n))));
      expect(seqs[1]! > seqs[0]! && seqs[2]! > seqs[1]!).toBe(true);
      expect(s.loadScheduler()).toEqual({ commands: [tick(1), tick(2), tick(3)], lastSeq: seqs[2] });
      s.saveSnapshot(state(2), seqs[1]!);
      const fourth = s.appendCommands(logged(tick(4)));
      expect(s.loadScheduler()).toEqual({ snapshot: state(2), commands: [tick(3), tick(4)], lastSeq: fourth });
      const later = s.appendCommands(logged(tick(5)));
      expect(later).toBeGreaterThan(fourth);
      s.saveSnapshot(state(5), later);
      expect(s.loadScheduler()).toEqual({ snapshot: state(5), commands: [], lastSeq: later });
      expect(s.appendCommands(logged(tick(6)))).toBeGreaterThan(later);
    });

    it("snapshots jobs with many tasks and reads them back exactly", async () => {
      const s = await open();
      const big = largeState(2_000, 3_000);
      s.saveSnapshot(big, s.appendCommands(logged(tick(1))));
      const restored = s.loadScheduler().snapshot;
      expect(restored?.jobs.map((j) => j.tasks.length)).toEqual([2_000, 2_000]);
      expect(restored).toEqual(big);
      s.saveSnapshot(state(3), s.appendCommands(logged(tick(2))));
      expect(s.loadScheduler().snapshot).toEqual(state(3));
    });

    it("keeps a group of commands as one entry that replays in order", async () => {
      const s = await open();
      const first = s.appendCommands(logged(tick(1), tick(2)));
      const second = s.appendCommands(logged(tick(3)));
      expect(s.loadScheduler()).toEqual({ commands: [tick(1), tick(2), tick(3)], lastSeq: second });
      s.saveSnapshot(state(2), first);
      expect(s.loadScheduler()).toEqual({ snapshot: state(2), commands: [tick(3)], lastSeq: second });
    });

    it("rolls a failed transaction back entirely, nested ones included", async () => {
      const s = await open();
      s.appendCommands(logged(tick(1)));
      expect(() =>
        s.transaction(() => {
          s.insertDataset(sampleDataset("d1"));
          s.transaction(() => s.appendCommands(logged(tick(2))));
          s.addToken("h", "t", "2024-01-01T00:00:00.000Z");
          throw new Error("boom");
        }),
      ).toThrow("boom");
      expect(s.getDataset("d1" as DatasetId)).toBeUndefined();
      expect(s.countTokens()).toBe(0);
      expect(s.loadScheduler().commands).toEqual([tick(1)]);
      expect(s.transaction(() => (s.appendCommands(logged(tick(3))), 7))).toBe(7);
      expect(s.loadScheduler().commands).toEqual([tick(1), tick(3)]);
    });
  });
}
