import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetId, JobId } from "@shoal/protocol";
import type { TestPostgres } from "../../testing/startPostgres.ts";
import { startPostgres } from "../../testing/startPostgres.ts";
import { largeState, logged, runStoreTests, sampleDataset } from "../runStoreTests.ts";
import { POSTGRES_SCHEMA_VERSION } from "./postgresSchema.ts";
import { PostgresStore } from "./PostgresStore.ts";

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(() => cluster?.stop());

runStoreTests("PostgresStore", async () => new PostgresStore(await cluster.createDatabase()));

describe("PostgresStore on a real cluster", () => {
  it("keeps everything across close and reopen, and a second store on the same database reads the first's writes", async () => {
    const url = await cluster.createDatabase();
    const first = new PostgresStore(url);
    first.insertDataset(sampleDataset("d1"));
    first.appendCommands(logged({ type: "tick", now: 1 }));
    const second = new PostgresStore(url);
    expect(second.getDataset("d1" as DatasetId)).toEqual(sampleDataset("d1"));
    first.close();
    second.close();
    const again = new PostgresStore(url);
    expect(again.loadScheduler().commands).toEqual([{ type: "tick", now: 1 }]);
    again.close();
  });

  it("stores a snapshot's tasks in rows of bounded size, apart from the outline", async () => {
    const store = new PostgresStore(await cluster.createDatabase());
    const big = largeState(2_000, 5_000);
    store.saveSnapshot(big, store.appendCommands(logged({ type: "tick", now: 1 })));
    const rows = store.connection.query<{ job: number; chars: number }>("SELECT job, length(tasks) AS chars FROM scheduler_snapshot_tasks ORDER BY job, position").rows;
    expect(new Set(rows.map((r) => r.job))).toEqual(new Set([0, 1]));
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) expect(row.chars).toBeLessThanOrEqual(8 * 1024 * 1024 + 6_000);
    expect(store.loadScheduler().snapshot).toEqual(big);
    store.close();
  });

  it("migrates a version 3 database to the current one: its jobs stay, live_chains starts empty and keeps chains", async () => {
    const url = await cluster.createDatabase();
    const first = new PostgresStore(url);
    first.insertDataset(sampleDataset("d1"));
    first.insertJob({ id: "j1" as JobId, dataset: "d1" as DatasetId, spec: "{}", hasReduce: false, replicas: 1, quorum: 1, createdAt: "2024-01-02T00:00:00.000Z" });
    first.connection.query("DROP TABLE live_chains");
    first.connection.query("UPDATE meta SET value = '3' WHERE key = 'schema'");
    first.close();
    const store = new PostgresStore(url);
    expect(store.connection.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema'").rows[0]?.value).toBe(String(POSTGRES_SCHEMA_VERSION));
    expect(store.getJob("j1" as JobId)?.id).toBe("j1");
    expect(store.listLiveChains(10)).toEqual([]);
    const chain = { id: "j1" as JobId, owner: "h", current: "j1" as JobId, createdAt: "2024-01-02T00:00:00.000Z", epoch: 0 };
    store.putLiveChain(chain);
    store.close();
    const again = new PostgresStore(url);
    expect(again.listLiveChains(10)).toEqual([chain]);
    again.close();
  });

  it("migrates a version 4 database to 6: its live chains stay, each at epoch 0, and are fenced from there; task offers appear", async () => {
    const url = await cluster.createDatabase();
    const first = new PostgresStore(url);
    first.insertDataset(sampleDataset("d1"));
    first.insertJob({ id: "j1" as JobId, dataset: "d1" as DatasetId, spec: "{}", hasReduce: false, replicas: 1, quorum: 1, createdAt: "2024-01-02T00:00:00.000Z" });
    first.connection.query("ALTER TABLE live_chains DROP COLUMN epoch");
    first.connection.query("INSERT INTO live_chains (id, owner, current, created_at) VALUES ('j1', 'h', 'j1', '2024-01-02T00:00:00.000Z')");
    first.connection.query("UPDATE meta SET value = '4' WHERE key = 'schema'");
    first.close();
    const store = new PostgresStore(url);
    expect(store.connection.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema'").rows[0]?.value).toBe("6");
    expect(store.connection.query("SELECT count(*) AS n FROM task_offers").rows[0]).toEqual({ n: 0 });
    expect(store.listLiveChains(10)).toEqual([{ id: "j1", owner: "h", current: "j1", createdAt: "2024-01-02T00:00:00.000Z", epoch: 0 }]);
    expect(store.claimLiveChain("j1" as JobId, 0)).toBe(true);
    expect(store.claimLiveChain("j1" as JobId, 0)).toBe(false);
    store.close();
  });

  it("fences a live chain between two stores (two coordinators) on one database: of two claims at the epoch both read, one wins; the loser cannot move the chain", async () => {
    const url = await cluster.createDatabase();
    const one = new PostgresStore(url);
    const two = new PostgresStore(url);
    one.insertDataset(sampleDataset("d1"));
    for (const id of ["j1", "j2", "j3"]) one.insertJob({ id: id as JobId, dataset: "d1" as DatasetId, spec: "{}", hasReduce: false, replicas: 1, quorum: 1, createdAt: "2024-01-02T00:00:00.000Z" });
    one.putLiveChain({ id: "j1" as JobId, owner: "h", current: "j1" as JobId, createdAt: "2024-01-02T00:00:00.000Z", epoch: 0 });
    const seen = [one.getLiveChain("j1" as JobId)!.epoch, two.getLiveChain("j1" as JobId)!.epoch];
    expect(seen).toEqual([0, 0]);
    expect(two.claimLiveChain("j1" as JobId, seen[1]!)).toBe(true);
    expect(one.claimLiveChain("j1" as JobId, seen[0]!)).toBe(false);
    // The loser's job transaction would roll back: its move under epoch 0 matches nothing, inside a transaction too.
    one.transaction(() => expect(one.moveLiveChain("j1" as JobId, 0, "j3" as JobId, "j1" as JobId)).toBe(false));
    expect(two.moveLiveChain("j1" as JobId, 1, "j2" as JobId, "j1" as JobId)).toBe(true);
    expect(one.getLiveChain("j1" as JobId)).toMatchObject({ current: "j2", last: "j1", epoch: 1 });
    one.close();
    two.close();
  });

  it("refuses a database written by a newer coordinator", async () => {
    const url = await cluster.createDatabase();
    const store = new PostgresStore(url);
    store.connection.query("UPDATE meta SET value = '99' WHERE key = 'schema'");
    store.close();
    expect(() => new PostgresStore(url)).toThrow(`the database has schema 99; this coordinator knows up to ${POSTGRES_SCHEMA_VERSION}`);
  });

  it("undoes only a refused statement inside a transaction, as SQLite does, so the rest still commits", async () => {
    const store = new PostgresStore(await cluster.createDatabase());
    store.transaction(() => {
      store.insertDataset(sampleDataset("d1"));
      expect(() => store.insertDataset(sampleDataset("d1"))).toThrow(/duplicate key/);
      store.addToken("h", "t", "2024-01-01T00:00:00.000Z");
    });
    expect(store.getDataset("d1" as DatasetId)).toEqual(sampleDataset("d1"));
    expect(store.countTokens()).toBe(1);
    store.close();
  });
});
