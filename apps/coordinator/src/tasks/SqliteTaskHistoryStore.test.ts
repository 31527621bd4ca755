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
});
