import type { SchedulerOptions } from "./SchedulerOptions.ts";
import type { ThroughputState } from "./SchedulerState.ts";

/** Span (ms) over which a peer's reports are counted before its rate is updated. */
const RATE_WINDOW_MS = 250;

/** A peer's throughput before it has reported anything. */
export function newThroughput(now: number): ThroughputState {
  return { rate: 0, since: now, count: 0 };
}

/**
 * Counts one report (a result or a failure) at `now`. Once a window has passed, its count over
 * its length becomes the rate; a quiet gap longer than a window therefore lowers the rate too.
 */
export function recordReport(t: ThroughputState, now: number): void {
  t.count++;
  t.last = now;
  const elapsed = now - t.since;
  if (elapsed < RATE_WINDOW_MS) return;
  t.rate = t.count / elapsed;
  t.since = now;
  t.count = 0;
}

/**
 * Called when a peer holding no lease gets work: if it has been idle longer than a window, a new
 * counting window starts now and its rate is kept. Time with nothing to run is not slowness, and
 * counting it would shrink the prefetch just as a new job starts; a short dip to no leases mid-job
 * changes nothing, so the window still fills.
 */
export function resumeAfterIdle(t: ThroughputState, now: number): void {
  if (now - (t.last ?? t.since) <= RATE_WINDOW_MS) return;
  t.since = now;
  t.count = 0;
}

/**
 * Leases a peer may hold beyond its slots: enough to cover `prefetchWindowMs` of its measured
 * throughput, at least one and at most `maxPrefetch`. The measure cannot run away: a peer only
 * reports as fast as it runs, and a peer lying about speed only queues work on itself.
 */
export function prefetchFor(t: ThroughputState | undefined, options: Pick<SchedulerOptions, "prefetchWindowMs" | "maxPrefetch">): number {
  const wanted = Math.ceil((t?.rate ?? 0) * options.prefetchWindowMs);
  return Math.min(options.maxPrefetch, Math.max(1, wanted));
}
