import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { DatasetId, JobId, PeerId, ShardHash } from "@shoal/protocol";
import { largeState, logged, runStoreTests, sampleDataset } from "./runStoreTests.ts";
import { SCHEMA_VERSION } from "./sqliteSchema.ts";
import { SqliteStore } from "./SqliteStore.ts";

/** The dataset tables as a coordinator of schema 2 created them, before versions. */
const SCHEMA_2_DATASETS = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema', '2');
CREATE TABLE datasets (id TEXT PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL, ingest_key TEXT NOT NULL, options TEXT NOT NULL,
  columns TEXT NOT NULL, rows INTEGER NOT NULL, bytes INTEGER NOT NULL, created_at TEXT NOT NULL, UNIQUE (hash, ingest_key));
CREATE TABLE dataset_series (dataset_id TEXT NOT NULL REFERENCES datasets(id), position INTEGER NOT NULL, key TEXT NOT NULL, rows INTEGER NOT NULL,
  time_from REAL NOT NULL, time_to REAL NOT NULL, shard TEXT NOT NULL, PRIMARY KEY (dataset_id, position));
CREATE TABLE peers (id TEXT PRIMARY KEY, secret_hash TEXT, last_seen TEXT NOT NULL);
`;

/** The series table as a coordinator of schema 3 created it, before chunks: one whole-series shard per series. */
const SCHEMA_3_SERIES = `
CREATE TABLE dataset_series (dataset_id TEXT NOT NULL REFERENCES datasets(id), position INTEGER NOT NULL, key TEXT NOT NULL, rows INTEGER NOT NULL,
  time_from REAL NOT NULL, time_to REAL NOT NULL, shard TEXT NOT NULL, PRIMARY KEY (dataset_id, position));
`;

const freshPath = () => join(mkdtempSync(join(tmpdir(), "shoal-sqlite-")), "shoal.db");

runStoreTests("SqliteStore", () => new SqliteStore(freshPath()));

describe("SqliteStore on disk", () => {
  it("keeps everything across close and reopen, in WAL mode", () => {
    const path = freshPath();
    const first = new SqliteStore(path);
    first.insertDataset(sampleDataset("d1"));
    first.appendCommands(logged({ type: "tick", now: 1 }));
    expect(existsSync(`${path}-wal`)).toBe(true);
    first.close();
    const again = new SqliteStore(path);
    expect(again.getDataset("d1" as DatasetId)).toEqual(sampleDataset("d1"));
    expect(again.loadScheduler().commands).toEqual([{ type: "tick", now: 1 }]);
    again.close();
  });

  it("adds secret hashes to a schema 1 database; its old peers have none, so they cannot be reclaimed", () => {
    const path = freshPath();
    const raw = new Database(path);
    raw.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema', '1');");
    raw.exec("CREATE TABLE peers (id TEXT PRIMARY KEY, last_seen TEXT NOT NULL); INSERT INTO peers VALUES ('p-old', '2024-01-01T00:00:00.000Z');");
    raw.close();
    const store = new SqliteStore(path);
    expect(store.peerSecretHash("p-old" as PeerId)).toBeUndefined();
    store.rememberPeer("p-new" as PeerId, "h", "2024-01-02T00:00:00.000Z");
    expect(store.peerSecretHash("p-new" as PeerId)).toBe("h");
    store.close();
    const again = new SqliteStore(path);
    expect(again.countPeers()).toBe(2);
    again.close();
  });

  it("migrates a schema 2 database: its datasets become version 1 and can take an append, memos start empty", () => {
    const path = freshPath();
    const raw = new Database(path);
    raw.exec(SCHEMA_2_DATASETS);
    raw.prepare("INSERT INTO datasets VALUES ('d-old', 'sp500', ?, 'k', '{\"name\":\"sp500\"}', '[\"close\"]', 2, 40, '2024-01-01T00:00:00.000Z')").run("a".repeat(64));
    raw.prepare("INSERT INTO dataset_series VALUES ('d-old', 0, 'sp500', 2, 0, 1, ?)").run("b".repeat(64));
    raw.close();
    const store = new SqliteStore(path);
    const old = store.getDataset("d-old" as DatasetId);
    expect(old?.rows).toBe(2);
    expect(old?.parent).toBeUndefined();
    expect(store.childOf("d-old" as DatasetId)).toBeUndefined();
    const v2 = sampleDataset("d-new", { hash: "c".repeat(64), parent: "d-old" as DatasetId, version: 2 });
    store.insertDataset(v2);
    expect(store.getDataset(v2.id)).toEqual(v2);
    expect(() => store.insertDataset(sampleDataset("d-twin", { hash: "d".repeat(64), parent: "d-old" as DatasetId, version: 2 }))).toThrow();
    expect(store.countMemos()).toBe(0);
    store.putMemo("k", "[1]");
    store.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: String(SCHEMA_VERSION) });
    check.close();
    const again = new SqliteStore(path);
    expect(again.getMemo("k")).toBe("[1]");
    expect(again.childOf("d-old" as DatasetId)).toBe("d-new");
    again.close();
  });

  it("migrates a schema 3 database: its series keep their shard as their one chunk, and new versions store chunk lists", () => {
    const path = freshPath();
    new SqliteStore(path).close();
    const raw = new Database(path);
    raw.exec(`DROP TABLE dataset_series; ${SCHEMA_3_SERIES} UPDATE meta SET value = '3' WHERE key = 'schema';`);
    raw.prepare("INSERT INTO datasets (id, name, hash, ingest_key, options, columns, rows, bytes, created_at) VALUES ('d-old', 'sp500', ?, 'k', '{\"name\":\"sp500\"}', '[\"close\"]', 2, 40, '2024-01-01T00:00:00.000Z')").run("a".repeat(64));
    raw.prepare("INSERT INTO dataset_series VALUES ('d-old', 0, 'sp500', 2, 0, 1, ?)").run("b".repeat(64));
    raw.close();
    const store = new SqliteStore(path);
    const old = store.getDataset("d-old" as DatasetId);
    expect(old?.series).toEqual([{ key: "sp500", rows: 2, from: 0, to: 1, shard: "b".repeat(64) }]);
    const chunks = [{ hash: "b".repeat(64) as ShardHash, rows: 2 }, { hash: "c".repeat(64) as ShardHash, rows: 1 }];
    const v2 = sampleDataset("d-new", { hash: "c".repeat(64), parent: "d-old" as DatasetId, version: 2, series: [{ key: "sp500", rows: 3, from: 0, to: 2, shard: "d".repeat(64) as ShardHash, chunks }] });
    store.insertDataset(v2);
    store.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: String(SCHEMA_VERSION) });
    check.close();
    const again = new SqliteStore(path);
    expect(again.getDataset(v2.id)).toEqual(v2);
    expect(again.getDataset("d-old" as DatasetId)).toEqual(old);
    again.close();
  });

  it("migrates a schema 4 database: its jobs stay, live_chains starts empty and keeps chains across reopen", () => {
    const path = freshPath();
    const first = new SqliteStore(path);
    first.insertDataset(sampleDataset("d1"));
    first.insertJob({ id: "j1" as JobId, dataset: "d1" as DatasetId, spec: "{}", hasReduce: false, replicas: 1, quorum: 1, createdAt: "2024-01-02T00:00:00.000Z" });
    first.close();
    const raw = new Database(path);
    raw.exec("DROP TABLE live_chains; UPDATE meta SET value = '4' WHERE key = 'schema';");
    raw.close();
    const store = new SqliteStore(path);
    expect(store.getJob("j1" as JobId)?.id).toBe("j1");
    expect(store.listLiveChains(10)).toEqual([]);
    const chain = { id: "j1" as JobId, owner: "h", current: "j1" as JobId, createdAt: "2024-01-02T00:00:00.000Z", epoch: 0 };
    store.putLiveChain(chain);
    store.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: "6" });
    check.close();
    const again = new SqliteStore(path);
    expect(again.listLiveChains(10)).toEqual([chain]);
    again.close();
  });

  it("migrates a schema 5 database: its live chains stay, each at epoch 0, and can be claimed", () => {
    const path = freshPath();
    const first = new SqliteStore(path);
    first.insertDataset(sampleDataset("d1"));
    first.insertJob({ id: "j1" as JobId, dataset: "d1" as DatasetId, spec: "{}", hasReduce: false, replicas: 1, quorum: 1, createdAt: "2024-01-02T00:00:00.000Z" });
    first.close();
    const raw = new Database(path);
    raw.exec("DROP TABLE live_chains; CREATE TABLE live_chains (id TEXT PRIMARY KEY REFERENCES jobs(id), owner TEXT NOT NULL, current TEXT NOT NULL REFERENCES jobs(id), last TEXT REFERENCES jobs(id), created_at TEXT NOT NULL);");
    raw.exec("INSERT INTO live_chains VALUES ('j1', 'h', 'j1', NULL, '2024-01-02T00:00:00.000Z'); UPDATE meta SET value = '5' WHERE key = 'schema';");
    raw.close();
    const store = new SqliteStore(path);
    expect(store.listLiveChains(10)).toEqual([{ id: "j1", owner: "h", current: "j1", createdAt: "2024-01-02T00:00:00.000Z", epoch: 0 }]);
    expect(store.claimLiveChain("j1" as JobId, 0)).toBe(true);
    store.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: String(SCHEMA_VERSION) });
    check.close();
  });

  it("stores a snapshot's tasks in rows of bounded size, apart from the outline of jobs and peers", () => {
    const path = freshPath();
    const store = new SqliteStore(path);
    const big = largeState(2_000, 5_000);
    store.saveSnapshot(big, store.appendCommands(logged({ type: "tick", now: 1 })));
    store.close();
    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare("SELECT job, length(tasks) AS chars FROM scheduler_snapshot_tasks ORDER BY job, position").all() as Array<{ job: number; chars: number }>;
    const outline = (raw.prepare("SELECT length(state) AS chars FROM scheduler_snapshot").get() as { chars: number }).chars;
    raw.close();
    expect(new Set(rows.map((r) => r.job))).toEqual(new Set([0, 1]));
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) expect(row.chars).toBeLessThanOrEqual(8 * 1024 * 1024 + 6_000);
    // The outline keeps each job's result inputs, about 40 characters per task however large the tasks.
    expect(outline).toBeLessThan(50 * 4_000);
    const again = new SqliteStore(path);
    expect(again.loadScheduler().snapshot).toEqual(big);
    again.close();
  });

  it("reads a snapshot of schema 1, tasks inline, and marks the database current", () => {
    const path = freshPath();
    new SqliteStore(path).close();
    const big = largeState(3, 10);
    const raw = new Database(path);
    raw.prepare("UPDATE meta SET value = '1' WHERE key = 'schema'").run();
    raw.prepare("INSERT INTO scheduler_snapshot (id, seq, state) VALUES (1, 0, ?)").run(JSON.stringify(big));
    raw.close();
    const store = new SqliteStore(path);
    expect(store.loadScheduler().snapshot).toEqual(big);
    store.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: String(SCHEMA_VERSION) });
    check.close();
  });

  it("replays a log written before commands were grouped (one command object per row)", () => {
    const path = freshPath();
    new SqliteStore(path).close();
    const raw = new Database(path);
    raw.prepare("INSERT INTO scheduler_log (command) VALUES (?)").run(JSON.stringify({ type: "tick", now: 1 }));
    raw.close();
    const store = new SqliteStore(path);
    store.appendCommands(logged({ type: "tick", now: 2 }, { type: "tick", now: 3 }));
    expect(store.loadScheduler().commands).toEqual([1, 2, 3].map((now) => ({ type: "tick", now })));
    store.close();
  });
});
