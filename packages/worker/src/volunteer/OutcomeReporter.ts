import type { AttemptRef } from "@shoal/protocol";
import type { Outcome } from "./batchOutcomes.ts";
import { batchOutcomes, nextTurn } from "./batchOutcomes.ts";
import { ResultOutbox } from "./ResultOutbox.ts";

/** Least time (ms) between two sends of outcomes while tasks keep finishing. */
const COALESCE_MS = 2;

/**
 * A volunteer's outgoing task outcomes: batched per turn, and kept (sent or not) in a
 * {@link ResultOutbox} to send again after a reconnect, until the coordinator cancels them or
 * the resend window passes.
 */
export class OutcomeReporter {
  readonly #outbox: ResultOutbox;
  /** Sends one message's text; false when there is no welcomed channel to send it on. */
  readonly #send: (text: string) => boolean;
  /** Outcomes reported this turn, sent together at its end. */
  #unsent: Outcome[] = [];
  #lastFlush = 0;

  constructor(resendWindowMs: number, send: (text: string) => boolean) {
    this.#outbox = new ResultOutbox({ windowMs: resendWindowMs });
    this.#send = send;
  }

  /** True when this attempt's outcome was reported already (a repeated assignment is ignored). */
  has(taskId: string, attempt: number): boolean {
    return this.#outbox.has(taskId, attempt);
  }

  /**
   * Queues an outcome. Outcomes go out at the end of the turn they finished in, but no sooner than
   * {@link COALESCE_MS} after the previous send, so a stream of short tasks is reported in batches
   * (see {@link batchOutcomes}) while a lone task's outcome leaves at once.
   */
  report(outcome: Outcome): void {
    this.#unsent.push(outcome);
    if (this.#unsent.length > 1) return;
    const wait = this.#lastFlush + COALESCE_MS - Date.now();
    if (wait > 0) setTimeout(() => this.#flush(), wait);
    else nextTurn(() => this.#flush());
  }

  /** Outcomes to send again on a new connection. */
  /** The attempts whose outcomes are kept for resending. */
  held(): AttemptRef[] {
    return this.#outbox.held();
  }

  takeForResend(now: number): Outcome[] {
    return this.#outbox.takeForResend(now);
  }

  /** Forgets the outcomes of cancelled tasks, sent or still queued. */
  drop(taskIds: ReadonlySet<string>): void {
    this.#outbox.drop(taskIds);
    this.#unsent = this.#unsent.filter((outcome) => !taskIds.has(outcome.taskId));
  }

  /** Sends the outcomes queued this turn in as few messages as the limits allow. */
  #flush(): void {
    const now = Date.now();
    this.#lastFlush = now;
    for (const batch of batchOutcomes(this.#unsent)) {
      const sent = this.#send(batch.text);
      for (const outcome of batch.outcomes) this.#outbox.add(outcome, now, sent);
    }
    this.#unsent = [];
  }
}
