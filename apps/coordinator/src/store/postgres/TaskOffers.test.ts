import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetId, JobId } from "@shoal/protocol";
import type { TestPostgres } from "../../testing/startPostgres.ts";
import { startPostgres } from "../../testing/startPostgres.ts";
import { sampleDataset } from "../runStoreTests.ts";
import { POSTGRES_SCHEMA_VERSION } from "./postgresSchema.ts";
import { PostgresStore } from "./PostgresStore.ts";
import type { NewOffer } from "./TaskOffers.ts";
import { TaskOffers } from "./TaskOffers.ts";

const JOB = "j1" as JobId;
const HELD = "a".repeat(64);
const OTHER = "b".repeat(64);

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(() => cluster?.stop());

/** A database with one running job leased to node `owner` at `epoch`, and stores for three nodes. */
async function setUp(epoch = 1) {
  const url = await cluster.createDatabase();
  const store = new PostgresStore(url, { node: "owner" });
  store.insertDataset(sampleDataset("d1"));
  store.insertJob({ id: JOB, dataset: "d1" as DatasetId, spec: "{}", hasReduce: false, replicas: 1, quorum: 1, createdAt: "2024-01-01T00:00:00.000Z" });
  store.connection.query("INSERT INTO job_leases (job_id, owner, epoch, expires_at) VALUES ($1, 'owner', $2, now() + interval '1 hour')", [JOB, epoch]);
  const b = new PostgresStore(url, { node: "b" });
  const c = new PostgresStore(url, { node: "c" });
  const times = { claimTtlMs: 60_000, offerTtlMs: 60_000 };
  return {
    db: store.connection,
    owner: new TaskOffers(store.connection, "owner", times),
    b: new TaskOffers(b.connection, "b", times),
    c: new TaskOffers(c.connection, "c", times),
    close: () => [store, b, c].forEach((s) => s.close()),
  };
}

const offer = (i: number, over: Partial<NewOffer> = {}): NewOffer => ({ jobId: JOB, taskId: `${JOB}/map/${i}`, attempt: 1, epoch: 1, shard: OTHER, engine: "fengari", assignment: JSON.stringify({ i }), ...over });
const taskIds = (rows: ReadonlyArray<{ task_id: unknown }>) => rows.map((r) => r.task_id as string).sort();

describe("task offers (PostgreSQL)", () => {
  it("two claimers never get the same offer: one holding its claim's locks open does not make the other wait, and it gets the rest", async () => {
    const { owner, b, c, db, close } = await setUp();
    expect(owner.publish([0, 1, 2, 3].map((i) => offer(i)))).toBe(4);
    let first: string[] = [];
    let second: string[] = [];
    db.transaction(() => {
      // b's claim is not committed yet: its rows stay locked while c claims.
      first = taskIds(new TaskOffers(db, "b", { claimTtlMs: 60_000, offerTtlMs: 60_000 }).claim(2, [], undefined));
      second = taskIds(c.claim(10, [], undefined));
    });
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(2);
    expect(first.filter((id) => second.includes(id))).toEqual([]);
    expect(b.claim(10, [], undefined)).toEqual([]);
    close();
  }, 60_000);

  it("claims offers of shards the volunteers hold first, of their engines only, never the node's own, never a stale epoch's or a lapsed lease's", async () => {
    const { owner, b, db, close } = await setUp();
    owner.publish([offer(0), offer(1, { shard: HELD }), offer(2, { engine: "wasmoon" }), offer(3, { shard: undefined })]);
    expect(taskIds(b.claim(1, [HELD], ["fengari"]))).toEqual([`${JOB}/map/1`]);
    expect(taskIds(b.claim(10, [HELD], ["fengari"]))).toEqual([`${JOB}/map/0`, `${JOB}/map/3`]);
    expect(owner.claim(10, [], undefined)).toEqual([]);
    // The lease lapses (the owner died): nobody claims its offers until a new owner offers them again.
    db.query("UPDATE job_leases SET expires_at = now() - interval '1 second'");
    expect(b.claim(10, [], undefined)).toEqual([]);
    // A new owner took the job at epoch 2: the epoch 1 offer is dead for every claimer.
    db.query("UPDATE job_leases SET owner = 'c', epoch = 2, expires_at = now() + interval '1 hour'");
    expect(b.claim(10, [], undefined)).toEqual([]);
    close();
  }, 60_000);

  it("writes offers only under the lease the owner holds, at its epoch", async () => {
    const { owner, b, db, close } = await setUp(2);
    expect(owner.publish([offer(0, { epoch: 1 }), offer(1, { epoch: 3 })])).toBe(0);
    expect(b.publish([offer(2, { epoch: 2 })])).toBe(0);
    expect(owner.publish([offer(3, { epoch: 2 })])).toBe(1);
    expect(db.query("SELECT task_id FROM task_offers").rows).toEqual([{ task_id: `${JOB}/map/3` }]);
    close();
  }, 60_000);

  it("forwards a result only for an offer the node holds, under its epoch, once: a replay, a stranger's, a stale epoch's are no-ops", async () => {
    const { owner, b, c, close } = await setUp();
    owner.publish([offer(0), offer(1)]);
    const [claimed] = b.claim(1, [], undefined);
    const taskId = claimed!.task_id as string;
    const outcome = { jobId: JOB, taskId, attempt: 1, epoch: 1, volunteer: "p_1", outcome: "{}" };
    expect(c.forward([outcome])).toBe(0);
    expect(b.forward([{ ...outcome, epoch: 2 }])).toBe(0);
    expect(b.forward([{ ...outcome, taskId: `${JOB}/map/1` }])).toBe(0);
    expect(b.forward([outcome])).toBe(1);
    expect(b.forward([{ ...outcome, outcome: "[1]" }])).toBe(0);
    const taken = owner.takeResults([JOB], 10);
    expect(taken).toEqual([{ job_id: JOB, task_id: taskId, attempt: 1, epoch: 1, node: "b", volunteer: "p_1", outcome: "{}", offer_owner: "owner", offer_epoch: 1, offer_claimant: "b" }]);
    expect(owner.takeResults([JOB], 10)).toEqual([]);
    close();
  }, 60_000);

  it("the owner's round deletes offers whose attempt it no longer leases, expired claims and another epoch's offers; renewals and unclaims see it", async () => {
    const { owner, b, db, close } = await setUp(2);
    db.query("INSERT INTO task_offers (job_id, task_id, attempt, owner, epoch, engine, assignment) VALUES ($1, 'old', 1, 'dead', 1, 'fengari', '{}')", [JOB]);
    owner.publish([offer(0, { epoch: 2 }), offer(1, { epoch: 2 }), offer(2, { epoch: 2 })]);
    const claimed = b.claim(3, [], undefined).map((r) => ({ jobId: JOB, taskId: r.task_id as string, attempt: 1 }));
    expect(claimed).toHaveLength(3);
    db.query("UPDATE task_offers SET claim_expires = now() - interval '1 second' WHERE task_id = $1", [`${JOB}/map/2`]);
    const leased = [0, 1, 2].map((i) => ({ jobId: JOB, taskId: `${JOB}/map/${i}`, attempt: 1 })).slice(1);
    const alive = owner.ownerRound(new Map([[JOB, 2]]), leased);
    expect(alive).toEqual([{ jobId: JOB, taskId: `${JOB}/map/1`, attempt: 1 }]);
    expect(taskIds(db.query<{ task_id: string }>("SELECT task_id FROM task_offers").rows)).toEqual([`${JOB}/map/1`]);
    expect(b.renew(claimed)).toEqual([{ jobId: JOB, taskId: `${JOB}/map/1`, attempt: 1 }]);
    b.unclaim(claimed);
    expect(taskIds(b.claim(3, [], undefined))).toEqual([`${JOB}/map/1`]);
    close();
  }, 60_000);

  it("migrates a version 4 database to the current one: its jobs stay, the offer tables start empty", async () => {
    const url = await cluster.createDatabase();
    const first = new PostgresStore(url);
    first.insertDataset(sampleDataset("d1"));
    first.insertJob({ id: JOB, dataset: "d1" as DatasetId, spec: "{}", hasReduce: false, replicas: 1, quorum: 1, createdAt: "2024-01-02T00:00:00.000Z" });
    first.connection.query("DROP TABLE task_offers; DROP TABLE remote_results");
    first.connection.query("UPDATE meta SET value = '4' WHERE key = 'schema'");
    first.close();
    const store = new PostgresStore(url);
    expect(store.connection.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema'").rows[0]?.value).toBe(String(POSTGRES_SCHEMA_VERSION));
    expect(POSTGRES_SCHEMA_VERSION).toBe(6);
    expect(store.getJob(JOB)?.id).toBe(JOB);
    expect(store.connection.query("SELECT count(*) AS n FROM task_offers").rows[0]).toEqual({ n: 0 });
    expect(store.connection.query("SELECT count(*) AS n FROM remote_results").rows[0]).toEqual({ n: 0 });
    store.close();
  }, 60_000);
});
