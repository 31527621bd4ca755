import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetId, JobId, Json, PeerId, ShardHash } from "@shoal/protocol";
import { parseJobSpec } from "@shoal/protocol";
import type { Assignment, JobSubmission, Lease } from "@shoal/scheduler";
import { JobScheduler, planJob } from "@shoal/scheduler";
import { JobOwnership } from "../../cluster/JobOwnership.ts";
import { leaseInvariants } from "../../testing/leaseInvariants.ts";
import type { TestPostgres } from "../../testing/startPostgres.ts";
import { startPostgres } from "../../testing/startPostgres.ts";
import { DurableScheduler } from "../../volunteers/DurableScheduler.ts";
import { sampleDataset } from "../runStoreTests.ts";
import { JobLeases, LeaseLostError } from "./JobLeases.ts";
import { POSTGRES_SCHEMA, POSTGRES_SCHEMA_VERSION } from "./postgresSchema.ts";
import { PostgresStore } from "./PostgresStore.ts";
import { SyncPostgres } from "./SyncPostgres.ts";

const A = "A" as PeerId;
const B = "B" as PeerId;
const SHARD = "c".repeat(64) as ShardHash;
const JOB = "j" as JobId;
const quiet = { info() {}, warn() {}, error() {} };

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(() => cluster?.stop());

function submission(rows = 40): JobSubmission {
  const spec = parseJobSpec({ script: "", split: { kind: "rows", rows: 10 }, params: { a: [1, 2] } });
  const time = Float64Array.from({ length: rows }, (_, i) => i * 1000);
  return { id: JOB, graph: planJob(JOB, spec, [{ key: "x", time, shard: SHARD }], true) };
}

const answer = (a: Assignment) => (a.task.kind === "map" ? { outputs: a.task.points.map((p) => p.index) } : { output: a.task.values.length });

/** The job's result on one plain scheduler: what any takeover must still produce. */
function reference(): Json {
  const s = new JobScheduler();
  s.addPeer(A);
  s.submitJob(submission());
  for (let now = 0; s.jobSnapshot(JOB)?.status === "running"; now++) for (const a of s.requestWork(A, 4, now).assignments) s.submitResult(A, a.taskId, a.attempt, answer(a), now);
  return s.jobSnapshot(JOB)?.result as Json;
}

/** One coordinator process's scheduler on the shared database, fenced by its leases. */
function node(url: string, name: string) {
  const store = new PostgresStore(url, { node: name });
  const scheduler = DurableScheduler.open(store);
  const leases = new JobLeases(store.connection, name, 60_000);
  const ownership = new JobOwnership({ leases, store, scheduler, logger: quiet });
  const cancelled: Lease[] = [];
  scheduler.onApplied((applied) => cancelled.push(...applied.cancel));
  return { store, scheduler, leases, ownership, cancelled };
}

function submit(n: ReturnType<typeof node>): void {
  n.store.insertDataset(sampleDataset("d1"));
  n.scheduler.run({ type: "submit-job", job: submission() }, () =>
    n.store.insertJob({ id: JOB, dataset: "d1" as DatasetId, spec: "{}", hasReduce: true, replicas: 1, quorum: 1, createdAt: "2024-01-01T00:00:00.000Z" }),
  );
}

const lapse = (n: ReturnType<typeof node>) => n.store.connection.query("UPDATE job_leases SET expires_at = now() - interval '1 second' WHERE job_id = $1", [JOB]);
const lease = (n: ReturnType<typeof node>) => n.store.connection.query<{ owner: string; epoch: number }>("SELECT owner, epoch FROM job_leases WHERE job_id = $1", [JOB]).rows[0];
const rowsBy = (n: ReturnType<typeof node>, who: string) =>
  Number(n.store.connection.query<{ n: number }>("SELECT count(*) AS n FROM accepted_results WHERE node = $1", [who]).rows[0]!.n);
const afterMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

function finish(n: ReturnType<typeof node>, peer: PeerId): void {
  n.scheduler.run({ type: "add-peer", peerId: peer });
  for (let now = 100; n.scheduler.jobSnapshot(JOB)?.status === "running"; now++) {
    for (const a of n.scheduler.run({ type: "request-work", peerId: peer, freeSlots: 4, now }).assignments) {
      n.scheduler.run({ type: "submit-result", peerId: peer, taskId: a.taskId, attempt: a.attempt, result: answer(a), now });
    }
  }
}

describe("job leases on PostgreSQL", () => {
  it("after a takeover, the old owner's late result is refused in its own commit and changes nothing; the new owner finishes with the same result", async () => {
    const url = await cluster.createDatabase();
    const a = node(url, "a");
    const b = node(url, "b");
    submit(a);
    expect(lease(a)).toEqual({ owner: "a", epoch: 1 });
    a.scheduler.run({ type: "add-peer", peerId: A });
    const [first, late, ...rest] = a.scheduler.run({ type: "request-work", peerId: A, freeSlots: 4, now: 1 }).assignments as Assignment[];
    expect(a.scheduler.run({ type: "submit-result", peerId: A, taskId: first!.taskId, attempt: first!.attempt, result: answer(first!), now: 2 }).status).toBe("accepted");
    expect(rowsBy(a, "a")).toBe(1);

    // Owner a stalls past its lease (SIGSTOP, a long GC pause): b takes the job over from a's log.
    lapse(a);
    b.ownership.tick();
    expect(lease(b)).toEqual({ owner: "b", epoch: 2 });
    expect(b.scheduler.jobSnapshot(JOB)?.tasks).toMatchObject({ done: 1, running: 0 });

    // a wakes up still believing it holds epoch 1: the accepting commit checks the epoch and rolls back whole.
    const stale = { type: "submit-result" as const, peerId: A, taskId: late!.taskId, attempt: late!.attempt, result: answer(late!), now: 3 };
    expect(() => a.scheduler.run(stale)).toThrow(LeaseLostError);
    expect(rowsBy(a, "a")).toBe(1);
    await afterMicrotasks();
    // … and a stops its scheduler for the job at once, telling its peer to drop the leases it still held.
    expect(a.scheduler.jobSnapshot(JOB)).toBeUndefined();
    expect(a.cancelled.map((l) => l.taskId).sort()).toEqual([late!, ...rest].map((x) => x.taskId).sort());
    expect(a.leases.held().size).toBe(0);

    // The same late result delivered to the new owner counts there, once, under epoch 2.
    expect(b.scheduler.run({ ...stale, now: 4 }).status).toBe("accepted");
    finish(b, B);
    expect(b.store.getJob(JOB)?.outcome?.status).toBe("done");
    expect(b.store.jobResult(JOB)).toBe(JSON.stringify(reference()));
    const invariants = leaseInvariants(b.store.connection);
    expect(invariants).toMatchObject({ duplicates: 0, foreignEpoch: 0, stale: 0 });
    expect(invariants.accepted).toBe(b.store.getJob(JOB)?.outcome?.tasks.total);
    expect(rowsBy(b, "a")).toBe(1);
    // The finished job is no longer renewed.
    expect(b.leases.held().size).toBe(0);
    for (const n of [a, b]) n.store.close();
  });

  it("a renewal that finds the lease taken drops the job at once, before any commit is tried", async () => {
    const url = await cluster.createDatabase();
    const a = node(url, "a");
    const b = node(url, "b");
    submit(a);
    a.scheduler.run({ type: "add-peer", peerId: A });
    const held = a.scheduler.run({ type: "request-work", peerId: A, freeSlots: 2, now: 1 }).assignments;
    lapse(a);
    b.ownership.tick();
    a.ownership.tick();
    expect(a.scheduler.jobSnapshot(JOB)).toBeUndefined();
    expect(a.scheduler.leases(A)).toEqual([]);
    expect(a.cancelled.map((l) => l.taskId).sort()).toEqual(held.map((x) => x.taskId).sort());
    // a's next work request gets nothing from a job it no longer owns.
    expect(a.scheduler.run({ type: "request-work", peerId: A, freeSlots: 2, now: 2 }).assignments).toEqual([]);
    for (const n of [a, b]) n.store.close();
  });

  it("a coordinator closing cleanly lets its leases lapse at once, so another takes its job over without waiting for the TTL", async () => {
    const url = await cluster.createDatabase();
    const a = node(url, "a");
    const b = node(url, "b");
    submit(a);
    b.ownership.tick();
    expect(lease(b)).toEqual({ owner: "a", epoch: 1 });
    a.ownership.close();
    b.ownership.tick();
    expect(lease(b)).toEqual({ owner: "b", epoch: 2 });
    expect(b.scheduler.runningJobIds()).toEqual([JOB]);
    for (const n of [a, b]) n.store.close();
  });

  it("a takeover whose adoption fails (the database gone between taking the lease and reading the last owner's log) is adopted on the next round, under the lease it took, and finished", async () => {
    const url = await cluster.createDatabase();
    const a = node(url, "a");
    const b = node(url, "b");
    submit(a);
    a.ownership.close();
    // The failure is injected where the database would throw: right after b's takeover commits.
    const read = b.store.schedulerLogOf.bind(b.store);
    let failing = true;
    b.store.schedulerLogOf = (owner) => {
      if (failing) throw new Error("connect ECONNREFUSED");
      return read(owner);
    };
    b.ownership.tick();
    expect(lease(b)).toEqual({ owner: "b", epoch: 2 });
    expect(b.scheduler.runningJobIds()).toEqual([]);
    failing = false;
    b.ownership.tick();
    expect(lease(b)).toEqual({ owner: "b", epoch: 2 });
    expect(b.scheduler.runningJobIds()).toEqual([JOB]);
    finish(b, B);
    expect(b.store.jobResult(JOB)).toBe(JSON.stringify(reference()));
    expect(leaseInvariants(b.store.connection)).toMatchObject({ duplicates: 0, foreignEpoch: 0, stale: 0 });
    for (const n of [a, b]) n.store.close();
  });

  it("refuses forged ownership: another process naming itself with the owner's name, or a job it never held", async () => {
    const url = await cluster.createDatabase();
    const a = node(url, "a");
    submit(a);
    const taskId = submission().graph.tasks[0]!.id;
    const forged = { command: { type: "tick" as const, now: 1 }, jobs: [JOB], finished: [], accepted: { jobId: JOB, taskId, attempt: 1 } };
    for (const impostor of [new JobLeases(a.store.connection, "a", 60_000), new JobLeases(a.store.connection, "mallory", 60_000)]) {
      expect(() => a.store.transaction(() => impostor.check([forged]))).toThrow(LeaseLostError);
    }
    // Nor does a renewal or a takeover by an impostor touch a live lease.
    expect(new JobLeases(a.store.connection, "mallory", 60_000).takeOver()).toEqual([]);
    expect(lease(a)).toEqual({ owner: "a", epoch: 1 });
    expect(rowsBy(a, "mallory") + rowsBy(a, "a")).toBe(0);
    a.store.close();
  });

  it("a replayed result is a no-op: the scheduler calls it a duplicate, and the table's key refuses a second acceptance", async () => {
    const url = await cluster.createDatabase();
    const a = node(url, "a");
    submit(a);
    a.scheduler.run({ type: "add-peer", peerId: A });
    const [one] = a.scheduler.run({ type: "request-work", peerId: A, freeSlots: 1, now: 1 }).assignments as Assignment[];
    const report = { type: "submit-result" as const, peerId: A, taskId: one!.taskId, attempt: one!.attempt, result: answer(one!), now: 2 };
    expect(a.scheduler.run(report).status).toBe("accepted");
    expect(a.scheduler.run(report).status).toBe("duplicate");
    const replay = { command: report, jobs: [JOB], finished: [], accepted: { jobId: JOB, taskId: one!.taskId, attempt: one!.attempt } };
    expect(() => a.store.transaction(() => a.leases.check([replay]))).toThrow(/duplicate key/);
    expect(rowsBy(a, "a")).toBe(1);
    a.store.close();
  });

  it("out of order: a result for a job reaches a coordinator before it owns the job and changes nothing; a takeover whose taker died before adopting falls back to the last owner that logged the job", async () => {
    const url = await cluster.createDatabase();
    const a = node(url, "a");
    const b = node(url, "b");
    const c = node(url, "c");
    submit(a);
    a.scheduler.run({ type: "add-peer", peerId: A });
    const [one] = a.scheduler.run({ type: "request-work", peerId: A, freeSlots: 1, now: 1 }).assignments as Assignment[];
    const report = { type: "submit-result" as const, peerId: A, taskId: one!.taskId, attempt: one!.attempt, result: answer(one!), now: 2 };
    expect(c.scheduler.run(report)).toMatchObject({ untouched: true });
    expect(rowsBy(c, "c")).toBe(0);
    // b takes the lease and dies before adopting the job into its log.
    lapse(a);
    expect(b.leases.takeOver()).toEqual([{ jobId: JOB, epoch: 2, previous: "a" }]);
    lapse(a);
    c.ownership.tick();
    expect(lease(c)).toEqual({ owner: "c", epoch: 3 });
    expect(c.scheduler.run(report).status).toBe("accepted");
    finish(c, B);
    expect(c.store.getJob(JOB)?.outcome?.status).toBe("done");
    expect(c.store.jobResult(JOB)).toBe(JSON.stringify(reference()));
    expect(leaseInvariants(c.store.connection)).toMatchObject({ duplicates: 0, foreignEpoch: 0, stale: 0 });
    for (const n of [a, b, c]) n.store.close();
  });

  it("migrates a version 1 database: its log becomes node ''s, its running job gets a lapsed lease, and the first node takes the job over from that log", async () => {
    const url = await cluster.createDatabase();
    const v1 = new SyncPostgres(url);
    v1.query(`
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta (key, value) VALUES ('schema', '1');
CREATE TABLE scheduler_snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, state TEXT NOT NULL);
CREATE TABLE scheduler_snapshot_tasks (job INTEGER NOT NULL, position INTEGER NOT NULL, tasks TEXT NOT NULL, PRIMARY KEY (job, position));
CREATE TABLE scheduler_log (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, command TEXT NOT NULL);`);
    v1.query(POSTGRES_SCHEMA);
    // Version 1 as it shipped had no chunk list on its series.
    v1.query("ALTER TABLE dataset_series DROP COLUMN chunks");
    v1.batch([
      { text: "INSERT INTO datasets (id, name, hash, ingest_key, options, columns, rows, bytes, created_at) VALUES ('d1', 'd', 'h', 'k', '{}', '[]', 0, 0, '2024-01-01')" },
      { text: "INSERT INTO jobs (id, dataset_id, spec, has_reduce, replicas, quorum, created_at) VALUES ($1, 'd1', '{}', true, 1, 1, '2024-01-01')", params: [JOB] },
      { text: "INSERT INTO scheduler_log (command) VALUES ($1)", params: [JSON.stringify([{ type: "submit-job", job: submission() }])] },
    ]);
    v1.close();

    const n = node(url, "n");
    expect(n.store.connection.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema'").rows[0]?.value).toBe(String(POSTGRES_SCHEMA_VERSION));
    expect(n.store.connection.query("SELECT count(*) AS n FROM job_progress").rows).toEqual([{ n: 0 }]);
    expect(n.store.connection.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'dataset_series' AND column_name = 'chunks'").rows).toHaveLength(1);
    expect(lease(n)).toEqual({ owner: "", epoch: 0 });
    n.ownership.tick();
    expect(lease(n)).toEqual({ owner: "n", epoch: 1 });
    finish(n, B);
    expect(n.store.jobResult(JOB)).toBe(JSON.stringify(reference()));
    n.store.close();
  });
});
