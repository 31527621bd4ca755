import type { Logger } from "../Logger.ts";

/** Something that started and can be closed: the coordinator's peer. */
export interface Closable {
  close(): void;
}

/** Waits between attempts, the last one repeated: quick at first, then every half minute. */
export const RETRY_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000];

/**
 * Starts the coordinator's peer and, when an attempt fails (the signalling server refused it or
 * did not answer), tries again after {@link RETRY_DELAYS_MS} until it registers or `close()` is
 * called, rather than leaving the coordinator without WebRTC for good. Resolves after the first
 * attempt, whatever its outcome.
 */
export async function keepCoordinatorPeer(start: () => Promise<Closable>, logger: Logger, delaysMs = RETRY_DELAYS_MS): Promise<Closable> {
  let peer: Closable | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const attempt = async (failures: number): Promise<void> => {
    try {
      const started = await start();
      if (closed) started.close();
      else peer = started;
      if (failures > 0 && !closed) logger.info(`coordinator peer registered after ${failures} failed attempts; WebRTC is on`);
    } catch (error) {
      if (closed) return;
      const delay = delaysMs[Math.min(failures, delaysMs.length - 1)] ?? 30_000;
      logger.warn(`WebRTC is waiting: the coordinator peer could not start (${error instanceof Error ? error.message : String(error)}); retrying in ${delay / 1000} s`);
      timer = setTimeout(() => void attempt(failures + 1), delay);
      timer.unref();
    }
  };
  await attempt(0);
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      peer?.close();
    },
  };
}
