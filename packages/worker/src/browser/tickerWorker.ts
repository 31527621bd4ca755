/**
 * The clock of {@link workerTicker}, run as a dedicated Web Worker: Chromium throttles a hidden
 * page's own timers (to once a minute after five minutes), not a dedicated worker's, so a donor's
 * heartbeats keep arriving while its tab is in the background. Only our own page talks to it.
 */
import type { TickerCommand } from "./workerTicker.ts";

const timers = new Map<number, ReturnType<typeof setInterval>>();

self.onmessage = (event: MessageEvent<TickerCommand>) => {
  const command = event.data;
  if ("start" in command) {
    clearInterval(timers.get(command.start));
    timers.set(command.start, setInterval(() => self.postMessage(command.start), command.ms));
  } else {
    clearInterval(timers.get(command.stop));
    timers.delete(command.stop);
  }
};
