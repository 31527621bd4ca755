import type { AttemptOutcome, AttemptTimeline, AttemptView, JobId, TaskId, VolunteerCounts } from "@shoal/protocol";

/** A task of a job as the history keeps it: where it sits in the plan and what it computes. */
export interface TaskRecord {
  id: TaskId;
  index: number;
  kind: "map" | "reduce";
  key: string;
  points: number;
  /** `reused`: its output came from the task memo at submit, so it never runs. */
  state: "pending" | "done" | "failed" | "reused";
}

/** Ends a later report may replace. */
export const LAPSED: ReadonlySet<AttemptOutcome> = new Set(["timeout", "disconnect"]);
/** Ends that are reports from the volunteer. */
export const REPORTED: ReadonlySet<AttemptOutcome> = new Set(["result", "rejected", "late", "error"]);

/** Whether an attempt that ended `was` takes the end `next`. */
export function takesEnd(was: AttemptOutcome, next: AttemptOutcome): boolean {
  return was === "running" || (LAPSED.has(was) && REPORTED.has(next));
}

/** How an attempt ended: everything of an {@link AttemptView} its start did not already say. */
export interface AttemptEnd {
  end: number;
  outcome: Exclude<AttemptOutcome, "running">;
  kind?: string;
  message?: string;
  line?: number;
  log?: string;
  logTruncated?: boolean;
}

/**
 * Where a job's tasks and every attempt of them are kept for authors to read, beside the
 * scheduler's own state (which forgets a job once it ends). Task ids are unique across jobs (they
 * start with their job's id). An attempt ends once, except that a report (a result or an error)
 * arriving after its lease ran out or its volunteer left replaces that end, since the scheduler
 * still takes it while the task is open.
 */
export interface TaskHistoryStore {
  /** Runs `fn` atomically. */
  transaction<T>(fn: () => T): T;
  addTasks(job: JobId, tasks: readonly TaskRecord[]): void;
  setTaskState(task: TaskId, state: TaskRecord["state"]): void;
  /** Records an attempt that started; unknown tasks and repeated starts are ignored. */
  startAttempt(task: TaskId, attempt: number, peer: string, start: number): void;
  /** Records how an attempt ended (see above for which ends replace earlier ones). */
  endAttempt(task: TaskId, attempt: number, end: AttemptEnd): void;
  /** A page of the job's tasks in plan order, and how many it has. */
  tasks(job: JobId, offset: number, limit: number): { total: number; tasks: TaskRecord[] };
  /** Attempts of the job's tasks at plan positions `from` (inclusive) to `to` (exclusive), by task then attempt. */
  attemptsOf(job: JobId, from: number, to: number): AttemptView[];
  /** Distinct volunteers that attempted the job's tasks, and those with a result taken. */
  volunteerCounts(job: JobId): VolunteerCounts;
  /** The job's `limit` latest-started attempts, oldest first, how many it has in all, and the cursor of this moment. */
  latestAttempts(job: JobId, limit: number): AttemptTimeline;
  /**
   * The job's attempts started or ended after `cursor` (a {@link AttemptTimeline.cursor} of this
   * store), in the order they changed, at most `limit`; `more` when others wait.
   */
  attemptsSince(job: JobId, cursor: number, limit: number): AttemptTimeline;
  /** The cursor of this moment: every start or end raises it. */
  cursor(): number;
  close(): void;
}
