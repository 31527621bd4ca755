import type { Ticker } from "../volunteer/Ticker.ts";
import { intervalTicker } from "../volunteer/Ticker.ts";

/** What the page asks of the ticker worker: start interval `start` every `ms`, or stop interval `stop`. */
export type TickerCommand = { start: number; ms: number } | { stop: number };

function defaultWorker(): Worker {
  return new Worker(new URL("./tickerWorker.ts", import.meta.url), { type: "module", name: "shoal-ticker" });
}

/**
 * A {@link Ticker} whose intervals run in one dedicated Web Worker (made on first use), so a donor
 * tab in the background still heartbeats every interval instead of once a minute; where no worker
 * can be made it falls back to the page's own `setInterval`.
 */
export function workerTicker(makeWorker: () => Worker = defaultWorker): Ticker {
  let worker: Worker | undefined;
  let failed = false;
  let next = 0;
  const ticks = new Map<number, () => void>();
  return (tick, ms) => {
    if (!worker && !failed) {
      try {
        worker = makeWorker();
        worker.onmessage = (event: MessageEvent<number>) => ticks.get(event.data)?.();
      } catch {
        failed = true;
      }
    }
    if (!worker) return intervalTicker(tick, ms);
    const id = next++;
    const running = worker;
    ticks.set(id, tick);
    running.postMessage({ start: id, ms } satisfies TickerCommand);
    return () => {
      ticks.delete(id);
      running.postMessage({ stop: id } satisfies TickerCommand);
    };
  };
}
