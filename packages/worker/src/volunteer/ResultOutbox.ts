import type { TaskFailedMessage, TaskResultMessage } from "@shoal/protocol";

type Outcome = TaskResultMessage | TaskFailedMessage;

interface Entry {
  message: Outcome;
  sentAt: number | undefined;
}

/**
 * Task outcomes on their way to the coordinator. The protocol has no acknowledgement, so an
 * outcome is kept for `windowMs` after it is sent and sent again after a reconnect: results are
 * idempotent by (task, attempt), and the coordinator may have died before recording it.
 */
export class ResultOutbox {
  readonly #entries = new Map<string, Entry>();
  readonly #windowMs: number;
  readonly #maxEntries: number;

  constructor(options: { windowMs: number; maxEntries?: number }) {
    this.#windowMs = options.windowMs;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  get size(): number {
    return this.#entries.size;
  }

  has(taskId: string, attempt: number): boolean {
    return this.#entries.has(key(taskId, attempt));
  }

  /**
   * Records an outcome, `sent` or waiting for a connection; forgets sent ones older than the
   * window. Entries are kept in the order they were last sent, so only the oldest are looked at.
   */
  add(message: Outcome, now: number, sent: boolean): void {
    for (const [k, entry] of this.#entries) {
      if (entry.sentAt === undefined) continue;
      if (now - entry.sentAt <= this.#windowMs) break;
      this.#entries.delete(k);
    }
    const k = key(message.taskId, message.attempt);
    this.#entries.delete(k);
    this.#entries.set(k, { message, sentAt: sent ? now : undefined });
    while (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** Drops outcomes of tasks the coordinator cancelled. */
  drop(taskIds: ReadonlySet<string>): void {
    for (const [k, entry] of this.#entries) if (taskIds.has(entry.message.taskId)) this.#entries.delete(k);
  }

  /** Outcomes to send on a fresh connection: all unsent ones and those sent within the window; forgets older ones. */
  takeForResend(now: number): Outcome[] {
    const out: Outcome[] = [];
    for (const [k, entry] of this.#entries) {
      if (entry.sentAt !== undefined && now - entry.sentAt > this.#windowMs) this.#entries.delete(k);
      else {
        entry.sentAt = now;
        out.push(entry.message);
      }
    }
    return out;
  }
}

function key(taskId: string, attempt: number): string {
  return `${attempt}\u0000${taskId}`;
}
