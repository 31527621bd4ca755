import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetId, JobId, PeerId, ShardHash } from "@shoal/protocol";
import { parseJobSpec } from "@shoal/protocol";
import type { Assignment, JobSubmission } from "@shoal/scheduler";
import { planJob } from "@shoal/scheduler";
import type { TestPostgres } from "../testing/startPostgres.ts";
import { startPostgres } from "../testing/startPostgres.ts";
import { DurableScheduler } from "../volunteers/DurableScheduler.ts";
import { sampleDataset } from "../store/runStoreTests.ts";
import { JobLeases } from "../store/postgres/JobLeases.ts";
import { POSTGRES_SCHEMA_VERSION } from "../store/postgres/postgresSchema.ts";
import { PostgresStore } from "../store/postgres/PostgresStore.ts";
import { JobOwnership } from "./JobOwnership.ts";
import { PROGRESS_CHANNEL, ProgressPublisher } from "./ProgressPublisher.ts";
import type { ProgressRowSql } from "./ProgressReader.ts";
import { parseProgressRow, ProgressReader } from "./ProgressReader.ts";

const A = "A" as PeerId;
const SHARD = "c".repeat(64) as ShardHash;
const JOB = "j_0123456789abcdef" as JobId;

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(() => cluster?.stop());

function logger() {
  const warnings: string[] = [];
  return { warnings, info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
}

function submission(): JobSubmission {
  const spec = parseJobSpec({ script: "", split: { kind: "rows", rows: 10 }, params: { a: [1, 2] } });
  const time = Float64Array.from({ length: 40 }, (_, i) => i * 1000);
  return { id: JOB, graph: planJob(JOB, spec, [{ key: "x", time, shard: SHARD }], true) };
}

const answer = (a: Assignment) => (a.task.kind === "map" ? { outputs: a.task.points.map((p) => p.index) } : { output: a.task.values.length });

/** One coordinator process on the shared database: its scheduler fenced by its leases, its publisher, and a reader. */
function node(url: string, name: string) {
  const log = logger();
  const store = new PostgresStore(url, { node: name });
  const scheduler = DurableScheduler.open(store);
  const leases = new JobLeases(store.connection, name, 60_000);
  const ownership = new JobOwnership({ leases, store, scheduler, logger: log });
  const publisher = new ProgressPublisher({ db: store.connection, node: name, held: () => leases.held(), progress: (id) => scheduler.jobSnapshot(id), logger: log });
  const reader = new ProgressReader({ db: store.connection, logger: log, cacheMs: 0 });
  return { store, scheduler, leases, ownership, publisher, reader, log };
}

function submit(n: ReturnType<typeof node>): void {
  n.store.insertDataset(sampleDataset("d1"));
  n.scheduler.run({ type: "submit-job", job: submission() }, () =>
    n.store.insertJob({ id: JOB, dataset: "d1" as DatasetId, spec: "{}", hasReduce: true, replicas: 1, quorum: 1, createdAt: "2024-01-01T00:00:00.000Z" }),
  );
  n.scheduler.run({ type: "add-peer", peerId: A });
}

/** Runs up to `count` tasks of the job to completion on `n`'s scheduler. */
function work(n: ReturnType<typeof node>, count: number, now: number): void {
  for (const a of n.scheduler.run({ type: "request-work", peerId: A, freeSlots: count, now }).assignments) {
    n.scheduler.run({ type: "submit-result", peerId: A, taskId: a.taskId, attempt: a.attempt, result: answer(a), now });
  }
}

const row = (n: ReturnType<typeof node>) =>
  n.store.connection.query<{ owner: string; epoch: number; version: number; done: number }>("SELECT owner, epoch, version, done FROM job_progress WHERE job_id = $1", [JOB]).rows[0];
const expected = (n: ReturnType<typeof node>) => {
  const snapshot = n.scheduler.jobSnapshot(JOB)!;
  return { tasks: snapshot.tasks, results: snapshot.results };
};

describe("job progress published on PostgreSQL", () => {
  it("migrates a version 2 database to 3: the progress table is added, jobs and leases stay", async () => {
    const url = await cluster.createDatabase();
    const v2 = node(url, "a");
    submit(v2);
    v2.store.connection.batch([{ text: "DROP TABLE job_progress" }, { text: "UPDATE meta SET value = '2' WHERE key = 'schema'" }]);
    v2.store.close();

    const v3 = node(url, "b");
    const db = v3.store.connection;
    expect(db.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema'").rows[0]?.value).toBe(String(POSTGRES_SCHEMA_VERSION));
    expect(db.query("SELECT owner, epoch FROM job_leases WHERE job_id = $1", [JOB]).rows).toEqual([{ owner: "a", epoch: 1 }]);
    expect(db.query("SELECT count(*) AS n FROM job_progress").rows).toEqual([{ n: 0 }]);
    v3.store.close();
  });

  it("the owner writes one row per round however many tasks ended, nothing when nothing changed, notifies once, and another node reads the owner's counts", async () => {
    const url = await cluster.createDatabase();
    const a = node(url, "a");
    const b = node(url, "b");
    const heard: Array<string | undefined> = [];
    b.store.connection.listen(PROGRESS_CHANNEL, (payload) => heard.push(payload));
    for (let i = 0; !heard.includes(undefined); i++) {
      if (i > 200) throw new Error("the listening connection never came up");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    submit(a);
    expect(b.reader.read([JOB]).size).toBe(0);
    expect(a.publisher.publish()).toBe(1);
    expect(b.reader.read([JOB]).get(JOB)).toMatchObject({ ...expected(a), publishedStatus: "queued" });
    expect(a.publisher.publish()).toBe(0);
    expect(row(a)?.version).toBe(1);

    work(a, 3, 1);
    expect(a.publisher.publish()).toBe(1);
    const done = a.scheduler.jobSnapshot(JOB)!.tasks.done;
    expect(done).toBeGreaterThan(1);
    expect(row(a)).toMatchObject({ owner: "a", epoch: 1, version: 2, done });
    expect(b.reader.read([JOB]).get(JOB)).toMatchObject({ ...expected(a), publishedStatus: "running" });
    for (let i = 0; heard.filter((p) => p === JOB).length < 2; i++) {
      if (i > 200) throw new Error(`heard ${JSON.stringify(heard)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(heard).toEqual([undefined, JOB, JOB]);

    // The job ends: its row goes, once, and the reader shows nothing (the outcome is in jobs).
    for (let now = 2; a.scheduler.jobSnapshot(JOB)?.status === "running"; now++) work(a, 4, now);
    expect(a.publisher.publish()).toBe(1);
    expect(a.publisher.publish()).toBe(0);
    expect(row(a)).toBeUndefined();
    expect(b.reader.read([JOB]).size).toBe(0);
    expect(a.log.warnings).toEqual([]);
    a.store.close();
    b.store.close();
  });

  it("after a takeover the old owner's publication is fenced out, a row of the lapsed epoch is not shown, and the new owner's is", async () => {
    const url = await cluster.createDatabase();
    const a = node(url, "a");
    const b = node(url, "b");
    submit(a);
    work(a, 2, 1);
    a.publisher.publish();
    a.store.connection.query("UPDATE job_leases SET expires_at = now() - interval '1 second' WHERE job_id = $1", [JOB]);
    b.ownership.tick();
    expect(b.leases.held().get(JOB)).toBe(2);

    // A fresh reader on a third view: the row is of epoch 1, the lease at 2, so it is stale.
    const fresh = new ProgressReader({ db: b.store.connection, logger: b.log, cacheMs: 0 });
    expect(fresh.read([JOB]).size).toBe(0);
    expect(b.log.warnings.join("\n")).toMatch(/published under epoch 1 by "a", but the lease is at epoch 2, held by "b"/);

    // a, paused past its lease, wakes with new counts before it learns of the takeover: its write does not pass the lease fence.
    const snapshot = a.scheduler.jobSnapshot(JOB)!;
    const done = snapshot.tasks.done;
    const late = new ProgressPublisher({ db: a.store.connection, node: "a", held: () => new Map([[JOB, 1]]), progress: () => ({ ...snapshot, tasks: { ...snapshot.tasks, done: done + 1, queued: snapshot.tasks.queued - 1 } }), logger: a.log });
    expect(late.publish()).toBe(0);
    expect(row(a)).toMatchObject({ owner: "a", epoch: 1, done });

    b.scheduler.run({ type: "add-peer", peerId: A });
    work(b, 1, 3);
    expect(b.publisher.publish()).toBe(1);
    expect(row(b)).toMatchObject({ owner: "b", epoch: 2 });
    expect(fresh.read([JOB]).get(JOB)).toMatchObject(expected(b));
    a.store.close();
    b.store.close();
  });

  it("ignores forged, oversized and out-of-order rows, warning once for each, and keeps showing the last row it believed", async () => {
    const url = await cluster.createDatabase();
    const a = node(url, "a");
    submit(a);
    work(a, 2, 1);
    a.publisher.publish();
    work(a, 1, 2);
    a.publisher.publish();
    const reader = a.reader;
    const good = reader.read([JOB]).get(JOB);
    expect(good).toMatchObject(expected(a));
    const db = a.store.connection;
    const forge = (set: string) => db.query(`UPDATE job_progress SET ${set} WHERE job_id = $1`, [JOB]);
    db.query("CREATE TABLE saved AS SELECT * FROM job_progress");
    const forgeries: Array<[string, RegExp]> = [
      ["done = done - 1", /do not add up/],
      ["done = -1, waiting = waiting + done + 1", /done is not a count/],
      ["state = 'finished'", /state "finished"/],
      ["state = 'queued'", /is not what its counts say/],
      ["owner = repeat('x', 100000)", /malformed owner/],
      ["epoch = 7", /published under epoch 7/],
      ["owner = 'someone-else'", /held by "a"/],
      ["reused = done + 1", /more tasks reused than done/],
      ["version = 0", /malformed epoch or version/],
    ];
    // Counts past 32 bits, were the column widened behind the coordinators' backs.
    db.query("ALTER TABLE job_progress ALTER COLUMN waiting TYPE bigint, ALTER COLUMN total TYPE bigint");
    forgeries.push(["total = total + 4294967296, waiting = waiting + 4294967296", /total is not a count/]);
    for (const [set, reason] of forgeries) {
      forge(set);
      expect(reader.read([JOB]).get(JOB)).toEqual(good);
      expect(a.log.warnings.at(-1)).toMatch(reason);
      db.batch([{ text: "DELETE FROM job_progress" }, { text: "INSERT INTO job_progress SELECT * FROM saved" }]);
      expect(reader.read([JOB]).get(JOB)).toEqual(good);
    }
    // Replayed: an older version of the same epoch after a newer one was shown.
    const warnings = a.log.warnings.length;
    forge("version = version - 1, done = 0, waiting = waiting + done");
    expect(reader.read([JOB]).get(JOB)).toEqual(good);
    expect(a.log.warnings.at(-1)).toMatch(/older than/);
    // The same refusal again is not logged again.
    expect(reader.read([JOB]).get(JOB)).toEqual(good);
    expect(a.log.warnings.length).toBe(warnings + 1);
    a.store.close();
  });

  it("checks every field's type, and takes any notification it cannot parse as naming every job", () => {
    const base: ProgressRowSql = { job_id: "j", owner: "n", epoch: 1, version: 1, state: "running", total: 2, waiting: 0, queued: 0, running: 1, done: 1, failed: 0, reused: 0, accepted: 1, rejected: 0, lease_owner: "n", lease_epoch: 1 };
    expect(parseProgressRow(base)).toMatchObject({ epoch: 1, version: 1, progress: { tasks: { total: 2, running: 1, done: 1 } } });
    expect(parseProgressRow({ ...base, done: "1" })).toMatch(/done is not a count/);
    expect(parseProgressRow({ ...base, done: 1.5 })).toMatch(/done is not a count/);
    expect(parseProgressRow({ ...base, job_id: "j;DROP TABLE jobs" })).toMatch(/malformed job id/);
    expect(parseProgressRow({ ...base, job_id: "j".repeat(65) })).toMatch(/malformed job id/);
    expect(parseProgressRow({ ...base, epoch: 2 ** 53 })).toMatch(/malformed epoch/);
    expect(parseProgressRow({ ...base, lease_epoch: null, lease_owner: null })).toMatch(/no lease/);

    let reads = 0;
    const db = { query: () => (reads++, { rows: [], rowCount: 0 }) } as unknown as ConstructorParameters<typeof ProgressReader>[0]["db"];
    const reader = new ProgressReader({ db, logger: logger(), cacheMs: 60_000 });
    reader.read([JOB, "j_other" as JobId]);
    reader.read([JOB]);
    expect(reads).toBe(1);
    reader.notified("j_other");
    reader.read([JOB]);
    expect(reads).toBe(1);
    for (const payload of [undefined, "*", "j,bad id", "j".repeat(9_000)]) {
      reader.notified(payload);
      reader.read([JOB]);
    }
    expect(reads).toBe(5);
  });
});
