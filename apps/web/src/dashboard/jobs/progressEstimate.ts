/** Tasks done at a moment (epoch ms), as a progress event reported it. */
export interface ProgressSample {
  at: number;
  done: number;
}

/** Throughput and time left, when the samples say enough to tell. */
export interface ProgressEstimate {
  /** Tasks finished per second over the recent window; undefined before two samples apart in time. */
  tasksPerSecond: number | undefined;
  /** Milliseconds until the remaining tasks are done at that rate; undefined while the rate is unknown or zero. */
  etaMs: number | undefined;
}

/** How far back the throughput looks: long enough to smooth bursts, short enough to follow donors joining. */
export const RATE_WINDOW_MS = 15_000;

/**
 * Throughput and ETA of a job from its progress samples (oldest first): the rate over the last
 * {@link RATE_WINDOW_MS} (or since the first sample), and the remaining tasks divided by it.
 */
export function progressEstimate(samples: readonly ProgressSample[], total: number, now: number): ProgressEstimate {
  const last = samples.at(-1);
  if (!last) return { tasksPerSecond: undefined, etaMs: undefined };
  if (last.done >= total) return { tasksPerSecond: rateOf(samples, last), etaMs: 0 };
  const tasksPerSecond = rateOf(samples, last);
  if (tasksPerSecond === undefined || tasksPerSecond <= 0) return { tasksPerSecond, etaMs: undefined };
  const etaMs = Math.max(0, ((total - last.done) / tasksPerSecond) * 1000 - (now - last.at));
  return { tasksPerSecond, etaMs };
}

function rateOf(samples: readonly ProgressSample[], last: ProgressSample): number | undefined {
  if (samples.length < 2) return undefined;
  const inWindow = samples.findIndex((sample) => sample.at >= last.at - RATE_WINDOW_MS);
  const from = samples[Math.min(inWindow, samples.length - 2)]!;
  const seconds = (last.at - from.at) / 1000;
  return seconds > 0 ? (last.done - from.done) / seconds : undefined;
}
