import { afterEach, describe, expect, it } from "vitest";
import type { JobId, TaskId } from "@shoal/protocol";
import type { TaskHistoryStore, TaskRecord } from "./TaskHistoryStore.ts";

const J = "j1" as JobId;
const task = (job: string, index: number, kind: TaskRecord["kind"] = "map"): TaskRecord => ({
  id: `${job}/map/${index}` as TaskId,
  index,
  kind,
  key: `S${index}`,
  points: 2,
  state: "pending",
});
const id = (index: number, job = "j1") => `${job}/map/${index}` as TaskId;

/** The suite every {@link TaskHistoryStore} passes; `open` gives a fresh, empty store (PostgreSQL's is opened on a new database, hence async). */
export function runTaskHistoryStoreTests(name: string, open: () => TaskHistoryStore | Promise<TaskHistoryStore>): void {
  describe(`${name} (TaskHistoryStore)`, () => {
    let store: TaskHistoryStore | undefined;
    afterEach(() => store?.close());

    it("pages a job's tasks in plan order, apart from other jobs' tasks", async () => {
      store = await open();
      store.addTasks(J, [task("j1", 2), task("j1", 0), task("j1", 1)]);
      store.addTasks("j2" as JobId, [task("j2", 0)]);
      expect(store.tasks(J, 0, 2)).toEqual({ total: 3, tasks: [task("j1", 0), task("j1", 1)] });
      expect(store.tasks(J, 2, 2).tasks.map((t) => t.index)).toEqual([2]);
      expect(store.tasks(J, 5, 2)).toEqual({ total: 3, tasks: [] });
      expect(store.tasks("nope" as JobId, 0, 10)).toEqual({ total: 0, tasks: [] });
    });

    it("records attempts from start to end, ends each once, and ignores attempts of unknown tasks", async () => {
      store = await open();
      store.addTasks(J, [task("j1", 0), task("j1", 1)]);
      store.startAttempt(id(0), 1, "p-a", 100);
      store.startAttempt(id(0), 1, "p-b", 150);
      store.startAttempt(id(0), 2, "p-b", 200);
      store.startAttempt(id(1), 1, "p-a", 300);
      store.startAttempt("j9/map/0" as TaskId, 1, "p-a", 300);
      store.endAttempt(id(0), 1, { end: 400, outcome: "timeout" });
      store.endAttempt(id(0), 1, { end: 500, outcome: "cancelled" });
      store.endAttempt(id(0), 2, { end: 450, outcome: "result", log: "hi\n", logTruncated: false });
      store.endAttempt(id(1), 1, { end: 460, outcome: "error", kind: "runtime", message: "job.lua:3: boom", line: 3 });
      store.setTaskState(id(0), "done");
      expect(store.tasks(J, 0, 1).tasks[0]?.state).toBe("done");
      expect(store.attemptsOf(J, 0, 1)).toEqual([
        { task: 0, attempt: 1, peer: "p-a", start: 100, end: 400, outcome: "timeout" },
        { task: 0, attempt: 2, peer: "p-b", start: 200, end: 450, outcome: "result", log: "hi\n", logTruncated: false },
      ]);
      expect(store.attemptsOf(J, 1, 2)).toEqual([{ task: 1, attempt: 1, peer: "p-a", start: 300, end: 460, outcome: "error", kind: "runtime", message: "job.lua:3: boom", line: 3 }]);
    });

    it("lets a report that arrives after the lease ran out replace the timeout, but nothing replace a report", async () => {
      store = await open();
      store.addTasks(J, [task("j1", 0)]);
      store.startAttempt(id(0), 1, "p", 10);
      store.endAttempt(id(0), 1, { end: 20, outcome: "timeout" });
      store.endAttempt(id(0), 1, { end: 25, outcome: "cancelled" });
      expect(store.attemptsOf(J, 0, 1)[0]).toMatchObject({ end: 20, outcome: "timeout" });
      store.endAttempt(id(0), 1, { end: 30, outcome: "result" });
      store.endAttempt(id(0), 1, { end: 40, outcome: "timeout" });
      store.endAttempt(id(0), 1, { end: 50, outcome: "error", message: "forged" });
      expect(store.attemptsOf(J, 0, 1)).toEqual([{ task: 0, attempt: 1, peer: "p", start: 10, end: 30, outcome: "result" }]);
    });

    it("counts the distinct volunteers that attempted a job and those with a result taken, apart from other jobs", async () => {
      store = await open();
      store.addTasks(J, [task("j1", 0), task("j1", 1)]);
      store.addTasks("j2" as JobId, [task("j2", 0)]);
      expect(store.volunteerCounts(J)).toEqual({ attempted: 0, accepted: 0 });
      store.startAttempt(id(0), 1, "p-a", 10);
      store.startAttempt(id(0), 2, "p-b", 20);
      store.startAttempt(id(1), 1, "p-a", 30);
      store.startAttempt(id(1), 2, "p-c", 40);
      store.startAttempt(id(0, "j2"), 1, "p-d", 50);
      store.endAttempt(id(0), 1, { end: 60, outcome: "result" });
      store.endAttempt(id(1), 1, { end: 70, outcome: "result" });
      store.endAttempt(id(0), 2, { end: 80, outcome: "error", kind: "runtime" });
      store.endAttempt(id(0, "j2"), 1, { end: 90, outcome: "result" });
      expect(store.volunteerCounts(J)).toEqual({ attempted: 3, accepted: 1 });
      expect(store.volunteerCounts("j2" as JobId)).toEqual({ attempted: 1, accepted: 1 });
      expect(store.volunteerCounts("nope" as JobId)).toEqual({ attempted: 0, accepted: 0 });
    });

    it("gives only the attempts started or ended since a cursor, in the order they changed, a page at a time", async () => {
      store = await open();
      store.addTasks(J, [task("j1", 0), task("j1", 1), task("j1", 2)]);
      store.addTasks("j2" as JobId, [task("j2", 0)]);
      store.startAttempt(id(0), 1, "p", 10);
      store.startAttempt(id(1), 1, "p", 20);
      const first = store.latestAttempts(J, 10);
      expect(first.cursor).toBe(store.cursor());
      expect(store.attemptsSince(J, first.cursor, 10)).toEqual({ total: 2, attempts: [], cursor: first.cursor });
      store.endAttempt(id(1), 1, { end: 30, outcome: "result" });
      store.startAttempt(id(2), 1, "q", 40);
      store.startAttempt(id(0, "j2"), 1, "p", 45);
      store.endAttempt(id(0), 1, { end: 50, outcome: "timeout" });
      store.endAttempt(id(0), 1, { end: 55, outcome: "cancelled" }); // ignored: no change, no cursor step
      const since = store.attemptsSince(J, first.cursor, 10);
      expect(since.attempts.map((a) => [a.task, a.outcome])).toEqual([
        [1, "result"],
        [2, "running"],
        [0, "timeout"],
      ]);
      expect(since).toMatchObject({ total: 3, cursor: store.cursor() });
      expect(since.more).toBeUndefined();
      const page = store.attemptsSince(J, first.cursor, 2);
      expect(page.attempts.map((a) => a.task)).toEqual([1, 2]);
      expect(page.more).toBe(true);
      const rest = store.attemptsSince(J, page.cursor, 2);
      expect(rest.attempts.map((a) => [a.task, a.outcome])).toEqual([[0, "timeout"]]);
      expect(rest.cursor).toBe(store.cursor());
      expect(store.attemptsSince(J, rest.cursor, 10).attempts).toEqual([]);
    });

    it("gives the latest-started attempts oldest first, with the count of all", async () => {
      store = await open();
      store.addTasks(J, [task("j1", 0), task("j1", 1), task("j1", 2)]);
      store.startAttempt(id(2), 1, "p", 30);
      store.startAttempt(id(0), 1, "p", 10);
      store.startAttempt(id(1), 1, "p", 20);
      const latest = store.latestAttempts(J, 2);
      expect(latest.total).toBe(3);
      expect(latest.attempts.map((a) => [a.task, a.start, a.end, a.outcome])).toEqual([
        [1, 20, null, "running"],
        [2, 30, null, "running"],
      ]);
    });
  });
}
