import type { AttemptOutcome, AttemptTimeline, AttemptView } from "@shoal/protocol";
import type { TaskRecord } from "./TaskHistoryStore.ts";

/**
 * Row shapes and mappers shared by the SQL task history stores (SQLite and PostgreSQL), so the
 * two read the same columns into the same views and cannot drift. Each store keeps only its SQL
 * dialect and connection handling.
 */

/** A `job_tasks` row as both databases return it. */
export interface TaskRowSql {
  task_id: string;
  position: number;
  kind: string;
  key: string;
  points: number;
  state: string;
}

/** A `task_attempts` row: SQLite keeps `log_truncated` as 0/1, PostgreSQL as a boolean. */
export interface AttemptRowSql {
  changed?: number;
  position: number;
  attempt: number;
  peer: string;
  started_at: number;
  ended_at: number | null;
  outcome: string;
  kind: string | null;
  message: string | null;
  line: number | null;
  log: string | null;
  log_truncated: boolean | number | null;
}

/** The columns an {@link AttemptView} is read from, in both dialects. */
export const ATTEMPT_COLUMNS = "position, attempt, peer, started_at, ended_at, outcome, kind, message, line, log, log_truncated";

/** A task row as the store's record. */
export function toTaskRecord(r: TaskRowSql): TaskRecord {
  return { id: r.task_id as TaskRecord["id"], index: r.position, kind: r.kind as TaskRecord["kind"], key: r.key, points: r.points, state: r.state as TaskRecord["state"] };
}

/** An attempt row as the API's view: absent columns are left out, not sent as null. */
export function toAttemptView(r: AttemptRowSql): AttemptView {
  const view: AttemptView = { task: r.position, attempt: r.attempt, peer: r.peer, start: r.started_at, end: r.ended_at, outcome: r.outcome as AttemptOutcome };
  if (r.kind !== null) view.kind = r.kind;
  if (r.message !== null) view.message = r.message;
  if (r.line !== null) view.line = r.line;
  if (r.log !== null) view.log = r.log;
  if (r.log_truncated !== null) view.logTruncated = r.log_truncated === true || r.log_truncated === 1;
  return view;
}

/**
 * The timeline page of `attemptsSince`, from up to `limit + 1` rows ordered by `changed`: a full
 * page ends at its last row's cursor and says there is more; a short one ends at the store's cursor.
 */
export function sincePage(total: number, rows: readonly AttemptRowSql[], limit: number, storeCursor: number): AttemptTimeline {
  if (rows.length <= limit) return { total, attempts: rows.map(toAttemptView), cursor: storeCursor };
  const page = rows.slice(0, limit);
  return { total, attempts: page.map(toAttemptView), cursor: page.at(-1)!.changed!, more: true };
}
