import type { AttemptRef, TaskFailedMessage, TaskResultMessage } from "@shoal/protocol";

type Outcome = TaskResultMessage | TaskFailedMessage;

interface Entry {
  key: string;
  message: Outcome;
  sentAt: number | undefined;
}

/**
 * Task outcomes on their way to the coordinator. The protocol has no acknowledgement, so an
 * outcome is kept for `windowMs` after it is sent and sent again after a reconnect: results are
 * idempotent by (task, attempt), and the coordinator may have died before recording it.
 *
 * Sent entries are kept in the order they were last sent: a queue with a moving head (an entry
 * replaced or dropped stays in it, stale, until it reaches the head) and a map by key; unsent ones
 * (added while offline) wait apart. A Map used as the queue itself slowed down with use: V8 keeps
 * deleted entries as holes that every iteration from the front walks over until it is rebuilt.
 */
export class ResultOutbox {
  /** Sent entries by key. */
  readonly #byKey = new Map<string, Entry>();
  readonly #unsent = new Map<string, Entry>();
  #queue: Entry[] = [];
  #head = 0;
  readonly #windowMs: number;
  readonly #maxEntries: number;

  constructor(options: { windowMs: number; maxEntries?: number }) {
    this.#windowMs = options.windowMs;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  get size(): number {
    return this.#byKey.size + this.#unsent.size;
  }

  has(taskId: string, attempt: number): boolean {
    const k = key(taskId, attempt);
    return this.#byKey.has(k) || this.#unsent.has(k);
  }

  /** Records an outcome, `sent` or waiting for a connection; forgets sent ones older than the window. */
  add(message: Outcome, now: number, sent: boolean): void {
    for (let e = this.#front(); e !== undefined && now - (e.sentAt as number) > this.#windowMs; e = this.#front()) this.#remove(e);
    const entry: Entry = { key: key(message.taskId, message.attempt), message, sentAt: sent ? now : undefined };
    this.#unsent.delete(entry.key);
    this.#byKey.delete(entry.key);
    if (sent) {
      this.#byKey.set(entry.key, entry);
      this.#queue.push(entry);
    } else {
      this.#unsent.set(entry.key, entry);
    }
    while (this.size > this.#maxEntries) {
      const oldest = this.#front();
      if (oldest) this.#remove(oldest);
      else this.#unsent.delete(this.#unsent.keys().next().value!);
    }
  }

  /** Drops outcomes of tasks the coordinator cancelled. */
  drop(taskIds: ReadonlySet<string>): void {
    for (const entries of [this.#byKey, this.#unsent]) {
      for (const [k, entry] of entries) if (taskIds.has(entry.message.taskId)) entries.delete(k);
    }
  }

  /** The (task, attempt) of every outcome kept for resending, unsent ones first; nothing is forgotten. */
  held(): AttemptRef[] {
    const refs: AttemptRef[] = [];
    for (const entries of [this.#unsent, this.#byKey]) for (const { message } of entries.values()) refs.push({ taskId: message.taskId, attempt: message.attempt });
    return refs;
  }

  /** Outcomes to send on a fresh connection: all unsent ones and those sent within the window; forgets older ones. */
  takeForResend(now: number): Outcome[] {
    const live = [...this.#unsent.values()];
    for (const entry of this.#queue.slice(this.#head)) {
      if (this.#byKey.get(entry.key) !== entry) continue;
      if (now - (entry.sentAt as number) > this.#windowMs) this.#byKey.delete(entry.key);
      else live.push(entry);
    }
    this.#unsent.clear();
    for (const entry of live) {
      entry.sentAt = now;
      this.#byKey.set(entry.key, entry);
    }
    this.#queue = live;
    this.#head = 0;
    return live.map((entry) => entry.message);
  }

  /** The oldest live sent entry, after skipping stale ones. */
  #front(): Entry | undefined {
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head] as Entry;
      if (this.#byKey.get(entry.key) === entry) return entry;
      this.#advance();
    }
    return undefined;
  }

  #remove(entry: Entry): void {
    this.#byKey.delete(entry.key);
    this.#advance();
  }

  #advance(): void {
    this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}

function key(taskId: string, attempt: number): string {
  return `${attempt}\u0000${taskId}`;
}
