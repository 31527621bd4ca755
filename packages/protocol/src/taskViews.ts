/**
 * HTTP API views of a job's tasks and their attempts (`GET /api/jobs/:id/tasks`, `.../attempts`,
 * `.../partial`), shared by the coordinator that serves them and the SDK and dashboard that read them.
 */
import type { Json } from "./json.ts";

/** Most tasks one page of `GET /api/jobs/:id/tasks` lists (`?limit=` up to this). */
export const MAX_TASK_PAGE = 200;
/** Most attempts `GET /api/jobs/:id/attempts` returns: the latest ones, for the timeline, or the changes since a cursor. */
export const MAX_TIMELINE_ATTEMPTS = 5000;
/** Largest `?since=` cursor taken: cursors count attempt starts and ends, which stay far below this. */
export const MAX_ATTEMPT_CURSOR = Number.MAX_SAFE_INTEGER;
/** Bytes of one attempt's `print` output the coordinator keeps; the rest is cut and marked truncated. */
export const MAX_ATTEMPT_LOG_BYTES = 16 * 1024;
/** Most values `GET /api/jobs/:id/partial` returns (`?limit=` up to this). */
export const MAX_PARTIAL_VALUES = 10_000;

/**
 * How an attempt ended: `running` while its lease is held; `result` when its result was taken,
 * `rejected` when it was malformed, `late` when it came after the task was settled; `error` for a
 * reported failure (Lua error, deadline); `timeout` when its lease ran out; `disconnect` when its
 * volunteer left; `cancelled` when the coordinator took it back (job cancelled, backup not needed).
 */
export type AttemptOutcome = "running" | "result" | "rejected" | "late" | "error" | "timeout" | "disconnect" | "cancelled";

/** One attempt of one task, as the history records it. Times are epoch ms (coordinator clock). */
export interface AttemptView {
  /** The task's position in the job's plan. */
  task: number;
  attempt: number;
  /** The volunteer's peer id, as `GET /api/peers` lists it. */
  peer: string;
  start: number;
  end: number | null;
  outcome: AttemptOutcome;
  /** The failure kind (`runtime`, `deadline`, ...) of an `error`. */
  kind?: string;
  /** The Lua error message, or why a result was rejected. Untrusted text from a volunteer. */
  message?: string;
  line?: number;
  /** The attempt's `print` output, at most {@link MAX_ATTEMPT_LOG_BYTES}. Untrusted text from a volunteer. */
  log?: string;
  /** True when `log` was cut at {@link MAX_ATTEMPT_LOG_BYTES}. */
  logTruncated?: boolean;
}

/**
 * How many distinct volunteers worked on a job (`GET /api/jobs/:id/volunteers`), from its task
 * history, so it stays known after the job ends: `attempted` ran at least one of its tasks (any
 * outcome), `accepted` had at least one result taken by the coordinator (attempt outcome `result`).
 */
export interface VolunteerCounts {
  attempted: number;
  accepted: number;
}

/**
 * A task's state in the list: `unfinished` for a task still pending when its job ended; `reused`
 * for a task whose output the task memo held when the job was submitted (an earlier version's run
 * computed it), so it never ran and has no attempts.
 */
export type TaskStateView = "pending" | "done" | "failed" | "unfinished" | "reused";

/** One task of a job with its attempts, oldest first. */
export interface TaskView {
  index: number;
  id: string;
  kind: "map" | "reduce";
  /** The series a map task reads; for a reduce task, `level/group` in the reduce tree. */
  key: string;
  /** Parameter points of a map task. */
  points: number;
  state: TaskStateView;
  attempts: AttemptView[];
}

/** One page of a job's tasks. */
export interface TaskPage {
  total: number;
  offset: number;
  limit: number;
  /** The Lua engine every attempt of the job ran on. */
  engine: string;
  tasks: TaskView[];
}

/**
 * The latest attempts of a job, for the timeline; `total` counts them all. Asked with
 * `?since=<cursor>`, `attempts` are instead only those started or ended after that cursor, in the
 * order they changed, for a client to merge into what it holds.
 */
export interface AttemptTimeline {
  total: number;
  attempts: AttemptView[];
  /** Pass as `?since=` to get only the attempts that change after this answer. */
  cursor: number;
  /** With `since`: more changes wait than `limit` allowed; ask again from `cursor`. */
  more?: boolean;
}

/**
 * What has arrived of a running job: `values` are the map outputs of the tasks done so far, in
 * plan order. Without a reduce they are what the result will hold; with one, the reduce cannot be
 * applied to a subset by the coordinator, so they are the map outputs before it (`beforeReduce`).
 * Never the final result: that is `GET /api/jobs/:id/result`.
 */
export interface PartialResult {
  partial: true;
  /** Map tasks done, of all map tasks. */
  done: number;
  total: number;
  /** Outputs arrived so far, in plan order, at most the `limit` asked for. */
  values?: Json[];
  /** True for a job with a reduce: `values` are map outputs so far, before the reduce. */
  beforeReduce?: boolean;
  /** True when `values` was cut at the `limit` asked for. */
  truncated?: boolean;
}
