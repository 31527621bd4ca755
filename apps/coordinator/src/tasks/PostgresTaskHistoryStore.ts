import type { AttemptTimeline, AttemptView, JobId, TaskId, VolunteerCounts } from "@shoal/protocol";
import { SyncPostgres } from "../store/postgres/SyncPostgres.ts";
import type { SyncPostgresOptions } from "../store/postgres/SyncPostgres.ts";
import type { SqlStatement } from "../store/postgres/pgMessages.ts";
import type { AttemptEnd, TaskHistoryStore, TaskRecord } from "./TaskHistoryStore.ts";
import { REPORTED } from "./TaskHistoryStore.ts";
import { ATTEMPT_COLUMNS, sincePage, toAttemptView, toTaskRecord } from "./historyRows.ts";
import type { AttemptRowSql, TaskRowSql } from "./historyRows.ts";

/** Tables of the task history in PostgreSQL, as in SQLite (times epoch ms), in the store's database. */
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
  started_at    DOUBLE PRECISION NOT NULL,
  ended_at      DOUBLE PRECISION,
  outcome       TEXT NOT NULL,
  kind          TEXT,
  message       TEXT,
  line          INTEGER,
  log           TEXT,
  log_truncated BOOLEAN,
  changed       BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (task_id, attempt)
);
CREATE INDEX IF NOT EXISTS task_attempts_by_job ON task_attempts (job_id, position);
CREATE INDEX IF NOT EXISTS task_attempts_by_start ON task_attempts (job_id, started_at);
CREATE INDEX IF NOT EXISTS task_attempts_by_peer ON task_attempts (job_id, peer, outcome);
CREATE INDEX IF NOT EXISTS task_attempts_by_change ON task_attempts (job_id, changed);
`;

/** Taken while the tables are created, so coordinators starting together do not race on them. */
const SCHEMA_LOCK = 7_264_002;

/**
 * The {@link TaskHistoryStore} on PostgreSQL: its own connection to the store's database, as
 * SQLite's history has its own connection to the file. The change cursor is this process's, as
 * in SQLite: one coordinator writes a job's history.
 */
export class PostgresTaskHistoryStore implements TaskHistoryStore {
  readonly #db: SyncPostgres;
  /** The latest `changed` written: every start or end takes a later one. */
  #cursor: number;
  /** Writes of the open transaction, sent together when it commits (or before a read inside it). */
  #queued: SqlStatement[] | undefined;
  /** The latest `changed` handed to a queued write. */
  #planned = 0;

  constructor(url: string, options?: SyncPostgresOptions) {
    this.#db = new SyncPostgres(url, options);
    try {
      this.#db.underLock(SCHEMA_LOCK, () => this.#db.query(SCHEMA));
      this.#cursor = this.#db.query<{ n: number }>("SELECT coalesce(max(changed), 0) AS n FROM task_attempts").rows[0]!.n;
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  /**
   * Runs `fn` atomically. Its writes are queued and sent as one batch at the end, so a turn's
   * history (a start, an end and a state per task) costs the coordinator two round trips to the
   * database instead of three per task. A start or end takes its `changed` when queued; one the
   * database ignores leaves a gap, which no reader minds (cursors only compare). Nested calls are
   * savepoints, their writes sent before they close.
   */
  transaction<T>(fn: () => T): T {
    const outer = this.#queued !== undefined;
    this.#send();
    this.#queued = [];
    try {
      return this.#db.transaction(() => {
        const result = fn();
        this.#send();
        return result;
      });
    } finally {
      this.#queued = outer ? [] : undefined;
      this.#planned = this.#cursor;
    }
  }

  /** Sends the queued writes, if any. */
  #send(): void {
    const queued = this.#queued;
    if (!queued || queued.length === 0) return;
    this.#queued = [];
    for (const result of this.#db.batch(queued)) this.#took(result.rows);
  }

  /** Runs a write now, or queues it inside a transaction. */
  #write(statement: SqlStatement): void {
    if (this.#queued) this.#queued.push(statement);
    else this.#took(this.#db.query(statement.text, statement.params).rows);
  }

  /** Moves the cursor to the latest `changed` a write returned. */
  #took(rows: ReadonlyArray<{ changed?: number }>): void {
    for (const row of rows) if (row.changed !== undefined && row.changed > this.#cursor) this.#cursor = row.changed;
  }

  /** The `changed` of the next start or end. */
  #nextChange(): number {
    this.#planned = Math.max(this.#planned, this.#cursor) + 1;
    return this.#planned;
  }

  addTasks(job: JobId, tasks: readonly TaskRecord[]): void {
    if (tasks.length === 0) return;
    this.#write({
      text: "INSERT INTO job_tasks (task_id, job_id, position, kind, key, points, state) SELECT t, $1, p, k, y, n, s FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::text[]) AS u(t, p, k, y, n, s) ON CONFLICT DO NOTHING",
      params: [job, tasks.map((t) => t.id), tasks.map((t) => t.index), tasks.map((t) => t.kind), tasks.map((t) => t.key), tasks.map((t) => t.points), tasks.map((t) => t.state)],
    });
  }

  setTaskState(task: TaskId, state: TaskRecord["state"]): void {
    this.#write({ text: "UPDATE job_tasks SET state = $1 WHERE task_id = $2", params: [state, task] });
  }

  startAttempt(task: TaskId, attempt: number, peer: string, start: number): void {
    const text =
      "INSERT INTO task_attempts (task_id, attempt, job_id, position, peer, started_at, outcome, changed) SELECT task_id, $1, job_id, position, $2, $3, 'running', $4 FROM job_tasks WHERE task_id = $5 ON CONFLICT DO NOTHING RETURNING changed";
    this.#write({ text, params: [attempt, peer, start, this.#nextChange(), task] });
  }

  endAttempt(task: TaskId, attempt: number, e: AttemptEnd): void {
    const text =
      "UPDATE task_attempts SET ended_at = $1, outcome = $2, kind = $3, message = $4, line = $5, log = $6, log_truncated = $7, changed = $8 WHERE task_id = $9 AND attempt = $10 AND (outcome = 'running' OR (outcome IN ('timeout', 'disconnect') AND $11)) RETURNING changed";
    const params = [e.end, e.outcome, e.kind ?? null, e.message ?? null, e.line ?? null, e.log ?? null, e.logTruncated ?? null, this.#nextChange(), task, attempt, REPORTED.has(e.outcome)];
    this.#write({ text, params });
  }

  tasks(job: JobId, offset: number, limit: number): { total: number; tasks: TaskRecord[] } {
    this.#send();
    const [count, page] = this.#db.queryPair<{ n: number }, TaskRowSql>(
      { text: "SELECT count(*) AS n FROM job_tasks WHERE job_id = $1", params: [job] },
      { text: "SELECT task_id, position, kind, key, points, state FROM job_tasks WHERE job_id = $1 ORDER BY position LIMIT $2 OFFSET $3", params: [job, limit, offset] },
    );
    return {
      total: count.rows[0]!.n,
      tasks: page.rows.map(toTaskRecord),
    };
  }

  attemptsOf(job: JobId, from: number, to: number): AttemptView[] {
    this.#send();
    const sql = `SELECT ${ATTEMPT_COLUMNS} FROM task_attempts WHERE job_id = $1 AND position >= $2 AND position < $3 ORDER BY position, attempt`;
    return this.#db.query<AttemptRowSql>(sql, [job, from, to]).rows.map(toAttemptView);
  }

  volunteerCounts(job: JobId): VolunteerCounts {
    this.#send();
    const sql = "SELECT count(DISTINCT peer) AS attempted, count(DISTINCT CASE WHEN outcome = 'result' THEN peer END) AS accepted FROM task_attempts WHERE job_id = $1";
    const { attempted, accepted } = this.#db.query<VolunteerCounts>(sql, [job]).rows[0]!;
    return { attempted, accepted };
  }

  latestAttempts(job: JobId, limit: number): AttemptTimeline {
    this.#send();
    const [count, rows] = this.#db.queryPair<{ n: number }, AttemptRowSql>(
      { text: "SELECT count(*) AS n FROM task_attempts WHERE job_id = $1", params: [job] },
      {
        text: `SELECT * FROM (SELECT ${ATTEMPT_COLUMNS} FROM task_attempts WHERE job_id = $1 ORDER BY started_at DESC, position DESC, attempt DESC LIMIT $2) latest ORDER BY started_at, position, attempt`,
        params: [job, limit],
      },
    );
    return { total: count.rows[0]!.n, attempts: rows.rows.map(toAttemptView), cursor: this.#cursor };
  }

  attemptsSince(job: JobId, cursor: number, limit: number): AttemptTimeline {
    this.#send();
    const [count, since] = this.#db.queryPair<{ n: number }, AttemptRowSql>(
      { text: "SELECT count(*) AS n FROM task_attempts WHERE job_id = $1", params: [job] },
      { text: `SELECT ${ATTEMPT_COLUMNS}, changed FROM task_attempts WHERE job_id = $1 AND changed > $2 ORDER BY changed LIMIT $3`, params: [job, cursor, limit + 1] },
    );
    const total = count.rows[0]!.n;
    const rows = since.rows;
    return sincePage(total, rows, limit, this.#cursor);
  }

  cursor(): number {
    return this.#cursor;
  }

  close(): void {
    this.#db.close();
  }
}
