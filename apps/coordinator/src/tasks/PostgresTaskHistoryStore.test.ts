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

  it("sends a transaction's writes together at its end, reads inside it seeing them, and a failed one leaves neither rows nor a cursor step", async () => {
    const history = new PostgresTaskHistoryStore(await cluster.createDatabase());
    const job = "j" as JobId;
    const t = (i: number) => `j/map/${i}` as TaskId;
    history.transaction(() => {
      history.addTasks(job, [0, 1].map((i) => ({ id: t(i), index: i, kind: "map" as const, key: "A", points: 1, state: "pending" as const })));
      history.startAttempt(t(0), 1, "p", 5);
      history.startAttempt(t(0), 1, "p", 6); // ignored: the attempt exists
      history.endAttempt(t(0), 1, { end: 9, outcome: "result" });
      history.setTaskState(t(0), "done");
      expect(history.tasks(job, 0, 1).tasks[0]?.state).toBe("done");
      history.startAttempt(t(1), 1, "q", 7);
    });
    const cursor = history.cursor();
    expect(history.attemptsSince(job, 0, 10).attempts.map((a) => [a.task, a.outcome])).toEqual([
      [0, "result"],
      [1, "running"],
    ]);
    expect(() =>
      history.transaction(() => {
        history.endAttempt(t(1), 1, { end: 10, outcome: "result" });
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(history.cursor()).toBe(cursor);
    expect(history.attemptsSince(job, cursor, 10).attempts).toEqual([]);
    history.endAttempt(t(1), 1, { end: 11, outcome: "result" });
    expect(history.attemptsSince(job, cursor, 10)).toMatchObject({ attempts: [{ task: 1, outcome: "result", end: 11 }], cursor: history.cursor() });
    history.close();
  });
});
