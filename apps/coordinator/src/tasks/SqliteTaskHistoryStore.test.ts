import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JobId, TaskId } from "@shoal/protocol";
import { SqliteStore } from "../store/SqliteStore.ts";
import { runTaskHistoryStoreTests } from "./runTaskHistoryStoreTests.ts";
import { SqliteTaskHistoryStore, VOLUNTEER_COUNTS_SQL } from "./SqliteTaskHistoryStore.ts";
import Database from "better-sqlite3";

const freshPath = () => join(mkdtempSync(join(tmpdir(), "shoal-history-")), "shoal.db");

runTaskHistoryStoreTests("SqliteTaskHistoryStore", () => new SqliteTaskHistoryStore(freshPath()));

describe("SqliteTaskHistoryStore on disk", () => {
  it("shares the coordinator's database file with the store and keeps attempts across a reopen", () => {
    const path = freshPath();
    const store = new SqliteStore(path);
    const history = new SqliteTaskHistoryStore(path);
    const task = "j/map/0" as TaskId;
    history.addTasks("j" as JobId, [{ id: task, index: 0, kind: "map", key: "A", points: 1, state: "pending" }]);
    history.startAttempt(task, 1, "p", 5);
    store.transaction(() => store.countTokens());
    history.close();
    store.close();
    const again = new SqliteTaskHistoryStore(path);
    expect(again.attemptsOf("j" as JobId, 0, 1)).toEqual([{ task: 0, attempt: 1, peer: "p", start: 5, end: null, outcome: "running" }]);
    again.close();
  });

  it("counts a job's volunteers from the covering index, not by scanning every attempt", () => {
    const path = freshPath();
    new SqliteTaskHistoryStore(path).close();
    const db = new Database(path);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${VOLUNTEER_COUNTS_SQL}`).all("j") as Array<{ detail: string }>).map((row) => row.detail).join("\n");
    db.close();
    expect(plan).toMatch(/USING COVERING INDEX task_attempts_by_peer \(job_id=\?\)/);
    expect(plan).not.toMatch(/SCAN task_attempts(?! USING)/);
  });

  it("adds the change cursor to a task history written before it, its old attempts at 0, and pages changes by index", () => {
    const path = freshPath();
    const old = new Database(path);
    old.exec("CREATE TABLE job_tasks (task_id TEXT PRIMARY KEY, job_id TEXT NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, points INTEGER NOT NULL, state TEXT NOT NULL)");
    old.exec(
      "CREATE TABLE task_attempts (task_id TEXT NOT NULL, attempt INTEGER NOT NULL, job_id TEXT NOT NULL, position INTEGER NOT NULL, peer TEXT NOT NULL, started_at REAL NOT NULL, ended_at REAL, outcome TEXT NOT NULL, kind TEXT, message TEXT, line INTEGER, log TEXT, log_truncated INTEGER, PRIMARY KEY (task_id, attempt))",
    );
    old.exec("INSERT INTO job_tasks VALUES ('j/map/0', 'j', 0, 'map', 'A', 1, 'done'), ('j/map/1', 'j', 1, 'map', 'A', 1, 'pending')");
    old.exec("INSERT INTO task_attempts (task_id, attempt, job_id, position, peer, started_at, ended_at, outcome) VALUES ('j/map/0', 1, 'j', 0, 'p', 5, 9, 'result')");
    old.close();
    const history = new SqliteTaskHistoryStore(path);
    expect(history.cursor()).toBe(0);
    expect(history.latestAttempts("j" as JobId, 10)).toMatchObject({ total: 1, cursor: 0 });
    history.startAttempt("j/map/1" as TaskId, 1, "q", 20);
    expect(history.attemptsSince("j" as JobId, 0, 10)).toEqual({ total: 2, cursor: 1, attempts: [{ task: 1, attempt: 1, peer: "q", start: 20, end: null, outcome: "running" }] });
    history.close();
    const again = new SqliteTaskHistoryStore(path);
    expect(again.cursor()).toBe(1);
    again.close();
    const db = new Database(path);
    const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT * FROM task_attempts WHERE job_id = ? AND changed > ? ORDER BY changed LIMIT 10").all("j", 0) as Array<{ detail: string }>).map((r) => r.detail).join("\n");
    db.close();
    expect(plan).toMatch(/USING INDEX task_attempts_by_change \(job_id=\? AND changed>\?\)/);
  });
});
