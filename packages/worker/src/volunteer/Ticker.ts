/**
 * Calls `tick` every `ms` until the returned function is called. The volunteer takes its heartbeat
 * and work-asking clock through this seam, so a browser can run it from a dedicated Web Worker,
 * whose timers a background tab does not throttle to once a minute as it does the page's own.
 */
export type Ticker = (tick: () => void, ms: number) => () => void;

/** The plain `setInterval` clock, for Node and tests. */
export const intervalTicker: Ticker = (tick, ms) => {
  const timer = setInterval(tick, ms);
  return () => clearInterval(timer);
};
