import type { SpeedView } from "@shoal/protocol";

/** How far back a peer's speed looks: long enough to smooth a batch, short enough to follow a throttled tab. */
export const SPEED_WINDOW_MS = 5 * 60_000;
/** Accepted results remembered per peer; a peer faster than this per window is shown at this rate. */
const MAX_SAMPLES = 2048;

/** Accepted results of one session within {@link SPEED_WINDOW_MS}, in a bounded ring. */
export class PeerSpeed {
  readonly #since: number;
  readonly #at: number[] = [];
  readonly #took: Array<number | undefined> = [];

  /** `since`: when the session began (ms since the epoch), so a new peer's rate is not diluted by time it was not there. */
  constructor(since: number) {
    this.#since = since;
  }

  /** Records one accepted result at `now`; `tookMs` is its assignment-to-result time when the session timed it. */
  accepted(now: number, tookMs: number | undefined): void {
    this.#at.push(now);
    this.#took.push(tookMs);
    if (this.#at.length > MAX_SAMPLES) {
      this.#at.shift();
      this.#took.shift();
    }
  }

  view(now: number): SpeedView {
    const from = now - SPEED_WINDOW_MS;
    while (this.#at.length > 0 && this.#at[0]! < from) {
      this.#at.shift();
      this.#took.shift();
    }
    const spanMs = Math.max(1000, now - Math.max(from, this.#since));
    const timed = this.#took.filter((ms): ms is number => ms !== undefined);
    const meanTaskMs = timed.length === 0 ? null : Math.round(timed.reduce((a, b) => a + b, 0) / timed.length);
    return { tasksPerMinute: Math.round((this.#at.length / spanMs) * 60_000 * 10) / 10, meanTaskMs, windowMs: SPEED_WINDOW_MS };
  }
}
