import { LIMITS } from "@shoal/protocol";

/**
 * What one author request may make the coordinator hold, checked arithmetically from the spec and
 * the dataset's metadata before anything is planned or stored: an author holds a token, not a
 * blank cheque on the coordinator's memory and disk.
 */
export interface AuthorLimits {
  /** Most tasks (map and reduce) one job may plan. */
  maxTasksPerJob: number;
  /** Most tasks all running jobs may hold together; a job past it waits for others to finish. */
  maxQueuedTasks: number;
  /** Most series one uploaded dataset may hold. */
  maxSeriesPerDataset: number;
  /** Most points one job's parameter grid may expand to (at most the protocol's own ceiling). */
  maxPoints: number;
  /** Most characters of JSON one job's plan may take (its tasks with their parameter points), which bounds its log entry and its share of a snapshot. */
  maxPlanChars: number;
  /**
   * Most task outputs the incremental-job memo keeps, all jobs together: past it, each finished
   * job's insert evicts the oldest. Counted in rows, as each row is bounded already (its outputs
   * are ones the job's `resultBytes` admitted, and a map task's points by `maxPoints`).
   */
  maxTaskMemos: number;
  /** Most live jobs (chains rerun on every append) the coordinator keeps at once, all authors together. */
  maxLiveJobs: number;
  /** Most live jobs one author token may keep at once, so one author cannot take every slot of `maxLiveJobs`. */
  maxLiveJobsPerToken: number;
}

/** Defaults for a lab: a 100,000-task job, a million tasks queued, 10,000 series, 100,000 points, a 128 MB plan, a million memoized task outputs (ten full-size jobs' worth), 8 live jobs (all 8 may be one token's). */
export const DEFAULT_AUTHOR_LIMITS: AuthorLimits = {
  maxTasksPerJob: 100_000,
  maxQueuedTasks: 1_000_000,
  maxSeriesPerDataset: 10_000,
  maxPoints: LIMITS.paramPoints,
  maxPlanChars: 128 * 1024 * 1024,
  maxTaskMemos: 1_000_000,
  maxLiveJobs: 8,
  maxLiveJobsPerToken: 8,
};

/** Fills in and checks author limits (undefined ones take the default): each must be a positive integer, and points may not pass the protocol's ceiling. */
export function resolveAuthorLimits(given: { [K in keyof AuthorLimits]?: number | undefined } = {}): AuthorLimits {
  const set = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as Partial<AuthorLimits>;
  const limits = { ...DEFAULT_AUTHOR_LIMITS, ...set };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`limits.${name} must be a positive integer, got ${String(value)}`);
  }
  if (limits.maxPoints > LIMITS.paramPoints) throw new RangeError(`limits.maxPoints may be at most ${LIMITS.paramPoints}`);
  return limits;
}
