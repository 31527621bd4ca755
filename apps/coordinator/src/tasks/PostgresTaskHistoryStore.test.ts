import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobId, TaskId } from "@shoal/protocol";
import { PostgresStore } from "../store/postgres/PostgresStore.ts";
import type { TestPostgres } from "../testing/startPostgres.ts";
import { startPostgres } from "../testing/startPostgres.ts";
import { PostgresTaskHistoryStore } from "./PostgresTaskHistoryStore.ts";
import { runTaskHistoryStoreTests } from "./runTaskHistoryStoreTests.ts";

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(() => cluster?.stop());

runTaskHistoryStoreTests("PostgresTaskHistoryStore", async () => new PostgresTaskHistoryStore(await cluster.createDatabase()));

describe("PostgresTaskHistoryStore on a real cluster", () => {
  it("shares the store's database and keeps attempts and the change cursor across a reopen", async () => {
    const url = await cluster.createDatabase();
    const store = new PostgresStore(url);
    const history = new PostgresTaskHistoryStore(url);
    const task = "j/map/0" as TaskId;
    history.addTasks("j" as JobId, [{ id: task, index: 0, kind: "map", key: "A", points: 1, state: "pending" }]);
    history.startAttempt(task, 1, "p", 5);
    history.endAttempt(task, 1, { end: 9, outcome: "error", message: "boom", log: "x", logTruncated: true });
    expect(store.connection.query("SELECT count(*) AS n FROM task_attempts").rows).toEqual([{ n: 1 }]);
    history.close();
    store.close();
    const again = new PostgresTaskHistoryStore(url);
    expect(again.cursor()).toBe(2);
    expect(again.attemptsOf("j" as JobId, 0, 1)).toEqual([{ task: 0, attempt: 1, peer: "p", start: 5, end: 9, outcome: "error", message: "boom", log: "x", logTruncated: true }]);
    again.close();
  });
});
