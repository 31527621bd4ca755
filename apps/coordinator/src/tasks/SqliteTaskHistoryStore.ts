import Database from "better-sqlite3";
import type { AttemptTimeline, AttemptView, JobId, TaskId, VolunteerCounts } from "@shoal/protocol";
import type { AttemptEnd, TaskHistoryStore, TaskRecord } from "./TaskHistoryStore.ts";
import { REPORTED } from "./TaskHistoryStore.ts";
import { ATTEMPT_COLUMNS, sincePage, toAttemptView, toTaskRecord } from "./historyRows.ts";
import type { AttemptRowSql, TaskRowSql } from "./historyRows.ts";

/**
 * Tables of the task history, in the coordinator's database beside the store's own; a coordinator
 * that predates them ignores them, so no schema version is needed. Times are epoch ms.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS job_tasks (
  task_id  TEXT PRIMARY KEY,
  job_id   TEXT NOT NULL,
  position INTEGER NOT NULL,
  kind     TEXT NOT NULL,
  key      TEXT NOT NULL,
  points   INTEGER NOT NULL,
  state    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS job_tasks_by_job ON job_tasks (job_id, position);
CREATE TABLE IF NOT EXISTS task_attempts (
  task_id       TEXT NOT NULL,
  attempt       INTEGER NOT NULL,
  job_id        TEXT NOT NULL,
  position      INTEGER NOT NULL,
  peer          TEXT NOT NULL,
  started_at    REAL NOT NULL,
  ended_at      REAL,
  outcome       TEXT NOT NULL,
  kind          TEXT,
  message       TEXT,
  line          INTEGER,
  log           TEXT,
  log_truncated INTEGER,
  changed       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (task_id, attempt)
);
CREATE INDEX IF NOT EXISTS task_attempts_by_job ON task_attempts (job_id, position);
CREATE INDEX IF NOT EXISTS task_attempts_by_start ON task_attempts (job_id, started_at);
CREATE INDEX IF NOT EXISTS task_attempts_by_peer ON task_attempts (job_id, peer, outcome);
`;

/** `changed` (the cursor of an attempt's last start or end) came later; a table without it gains it, its rows at 0. */
const CHANGE_INDEX = "CREATE INDEX IF NOT EXISTS task_attempts_by_change ON task_attempts (job_id, changed)";

/** Distinct volunteers of one job, all and with a result taken: covered by `task_attempts_by_peer`, so it reads one job's entries, never the table. */
export const VOLUNTEER_COUNTS_SQL =
  "SELECT count(DISTINCT peer) AS attempted, count(DISTINCT CASE WHEN outcome = 'result' THEN peer END) AS accepted FROM task_attempts WHERE job_id = ?";

/** The {@link TaskHistoryStore} on SQLite: its own connection to the coordinator's database file (WAL). */
export class SqliteTaskHistoryStore implements TaskHistoryStore {
  readonly #db: Database.Database;
  readonly #q;
  /** The latest `changed` given: every start or end takes the next one. */
  #cursor: number;

  constructor(path: string) {
    const db = new Database(path);
    this.#db = db;
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    db.exec(SCHEMA);
    const columns = db.prepare("SELECT name FROM pragma_table_info('task_attempts')").all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === "changed")) db.exec("ALTER TABLE task_attempts ADD COLUMN changed INTEGER NOT NULL DEFAULT 0");
    db.exec(CHANGE_INDEX);
    this.#cursor = (db.prepare("SELECT coalesce(max(changed), 0) AS n FROM task_attempts").get() as { n: number }).n;
    this.#q = {
      addTask: db.prepare("INSERT OR IGNORE INTO job_tasks (task_id, job_id, position, kind, key, points, state) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      setState: db.prepare("UPDATE job_tasks SET state = ? WHERE task_id = ?"),
      start: db.prepare(
        "INSERT OR IGNORE INTO task_attempts (task_id, attempt, job_id, position, peer, started_at, outcome, changed) SELECT task_id, ?, job_id, position, ?, ?, 'running', ? FROM job_tasks WHERE task_id = ?",
      ),
      end: db.prepare(
        "UPDATE task_attempts SET ended_at = ?, outcome = ?, kind = ?, message = ?, line = ?, log = ?, log_truncated = ?, changed = ? WHERE task_id = ? AND attempt = ? AND (outcome = 'running' OR (outcome IN ('timeout', 'disconnect') AND ? = 1))",
      ),
      count: db.prepare("SELECT count(*) AS n FROM job_tasks WHERE job_id = ?"),
      page: db.prepare("SELECT task_id, position, kind, key, points, state FROM job_tasks WHERE job_id = ? ORDER BY position LIMIT ? OFFSET ?"),
      attemptsOf: db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM task_attempts WHERE job_id = ? AND position >= ? AND position < ? ORDER BY position, attempt`),
      volunteers: db.prepare(VOLUNTEER_COUNTS_SQL),
      countAttempts: db.prepare("SELECT count(*) AS n FROM task_attempts WHERE job_id = ?"),
      since: db.prepare(`SELECT ${ATTEMPT_COLUMNS}, changed FROM task_attempts WHERE job_id = ? AND changed > ? ORDER BY changed LIMIT ?`),
      latest: db.prepare(
        `SELECT * FROM (SELECT ${ATTEMPT_COLUMNS} FROM task_attempts WHERE job_id = ? ORDER BY started_at DESC, position DESC, attempt DESC LIMIT ?) ORDER BY started_at, position, attempt`,
      ),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  addTasks(job: JobId, tasks: readonly TaskRecord[]): void {
    this.transaction(() => {
      for (const t of tasks) this.#q.addTask.run(t.id, job, t.index, t.kind, t.key, t.points, t.state);
    });
  }

  setTaskState(task: TaskId, state: TaskRecord["state"]): void {
    this.#q.setState.run(state, task);
  }

  startAttempt(task: TaskId, attempt: number, peer: string, start: number): void {
    if (this.#q.start.run(attempt, peer, start, this.#cursor + 1, task).changes > 0) this.#cursor++;
  }

  endAttempt(task: TaskId, attempt: number, e: AttemptEnd): void {
    const truncated = e.logTruncated === undefined ? null : Number(e.logTruncated);
    const ran = this.#q.end.run(e.end, e.outcome, e.kind ?? null, e.message ?? null, e.line ?? null, e.log ?? null, truncated, this.#cursor + 1, task, attempt, Number(REPORTED.has(e.outcome)));
    if (ran.changes > 0) this.#cursor++;
  }

  tasks(job: JobId, offset: number, limit: number): { total: number; tasks: TaskRecord[] } {
    const total = (this.#q.count.get(job) as { n: number }).n;
    const rows = this.#q.page.all(job, limit, offset) as TaskRowSql[];
    return {
      total,
      tasks: rows.map(toTaskRecord),
    };
  }

  attemptsOf(job: JobId, from: number, to: number): AttemptView[] {
    return (this.#q.attemptsOf.all(job, from, to) as AttemptRowSql[]).map(toAttemptView);
  }

  volunteerCounts(job: JobId): VolunteerCounts {
    const { attempted, accepted } = this.#q.volunteers.get(job) as VolunteerCounts;
    return { attempted, accepted };
  }

  latestAttempts(job: JobId, limit: number): AttemptTimeline {
    const total = (this.#q.countAttempts.get(job) as { n: number }).n;
    return { total, attempts: (this.#q.latest.all(job, limit) as AttemptRowSql[]).map(toAttemptView), cursor: this.#cursor };
  }

  attemptsSince(job: JobId, cursor: number, limit: number): AttemptTimeline {
    const total = (this.#q.countAttempts.get(job) as { n: number }).n;
    const rows = this.#q.since.all(job, cursor, limit + 1) as AttemptRowSql[];
    return sincePage(total, rows, limit, this.#cursor);
  }

  cursor(): number {
    return this.#cursor;
  }

  close(): void {
    this.#db.close();
  }
}
