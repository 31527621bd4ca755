/** Hard ceilings on what a job may ask for; the job spec validator enforces them. */
export const LIMITS = {
  /** Bytes of Lua source. */
  scriptBytes: 256 * 1024,
  /** Points in the expanded parameter grid. */
  paramPoints: 100_000,
  /** Values one parameter may list. */
  paramValues: 10_000,
  /** Parameter points in one map task. */
  batchSize: 1_000,
  /** Rows of preceding history a slice may carry. */
  halo: 1_000_000,
  /** Largest instruction budget per Lua call. */
  budget: 1e12,
  /** Longest wall-clock deadline a job may set per task (1 hour). */
  deadlineMs: 60 * 60_000,
  /** Largest JSON size of one map or reduce output. */
  resultBytes: 16 * 1024 * 1024,
  /** Largest fan-in of one reduce task. */
  reduceFanIn: 1_000,
} as const;

/** What a job gets when its spec says nothing. */
export const DEFAULTS = {
  batchSize: 16,
  halo: 0,
  /** Instructions per map or reduce call; see docs/lua-api.md for why this number. */
  budget: 1e9,
  resultBytes: 1024 * 1024,
  reduceFanIn: 16,
} as const;
