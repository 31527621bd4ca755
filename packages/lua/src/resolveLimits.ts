import type { JobOptions } from "./LuaEngine.ts";
import { JOB_DEFAULTS } from "./LuaEngine.ts";

/** Job options with every default filled in. */
export type JobLimits = Required<JobOptions>;

/** Fills in JOB_DEFAULTS for missing options and rejects limits that are not positive. */
export function resolveLimits(opts: JobOptions): JobLimits {
  const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as JobOptions;
  const limits = { ...JOB_DEFAULTS, ...given };
  for (const key of ["budget", "maxResultBytes", "maxLogBytes", "maxStringBytes", "maxMemoryBytes"] as const) {
    if (!(limits[key] > 0)) throw new RangeError(`JobOptions.${key} must be a positive number`);
  }
  return limits;
}
