import type { AttemptTimeline, AttemptView, JobId, TaskId, VolunteerCounts } from "@shoal/protocol";
import type { AttemptEnd, TaskHistoryStore, TaskRecord } from "./TaskHistoryStore.ts";
import { takesEnd } from "./TaskHistoryStore.ts";

/** The {@link TaskHistoryStore} in memory, for unit tests. */
export class MemoryTaskHistoryStore implements TaskHistoryStore {
  readonly #jobs = new Map<JobId, TaskRecord[]>();
  readonly #tasks = new Map<TaskId, { job: JobId; record: TaskRecord; attempts: AttemptView[] }>();
  /** When each attempt last changed, by the store's count of starts and ends. */
  readonly #changed = new WeakMap<AttemptView, number>();
  #cursor = 0;

  transaction<T>(fn: () => T): T {
    return fn();
  }

  addTasks(job: JobId, tasks: readonly TaskRecord[]): void {
    const list = this.#jobs.get(job) ?? [];
    for (const task of tasks) {
      if (this.#tasks.has(task.id)) continue;
      const record = { ...task };
      list.push(record);
      this.#tasks.set(task.id, { job, record, attempts: [] });
    }
    list.sort((a, b) => a.index - b.index);
    this.#jobs.set(job, list);
  }

  setTaskState(task: TaskId, state: TaskRecord["state"]): void {
    const entry = this.#tasks.get(task);
    if (entry) entry.record.state = state;
  }

  startAttempt(task: TaskId, attempt: number, peer: string, start: number): void {
    const entry = this.#tasks.get(task);
    if (!entry || entry.attempts.some((a) => a.attempt === attempt)) return;
    const view: AttemptView = { task: entry.record.index, attempt, peer, start, end: null, outcome: "running" };
    this.#changed.set(view, ++this.#cursor);
    entry.attempts.push(view);
    entry.attempts.sort((a, b) => a.attempt - b.attempt);
  }

  endAttempt(task: TaskId, attempt: number, end: AttemptEnd): void {
    const a = this.#tasks.get(task)?.attempts.find((x) => x.attempt === attempt);
    if (!a || !takesEnd(a.outcome, end.outcome)) return;
    Object.assign(a, end);
    this.#changed.set(a, ++this.#cursor);
  }

  tasks(job: JobId, offset: number, limit: number): { total: number; tasks: TaskRecord[] } {
    const list = this.#jobs.get(job) ?? [];
    return { total: list.length, tasks: list.slice(offset, offset + limit).map((t) => ({ ...t })) };
  }

  attemptsOf(job: JobId, from: number, to: number): AttemptView[] {
    const list = this.#jobs.get(job) ?? [];
    return list.filter((t) => t.index >= from && t.index < to).flatMap((t) => (this.#tasks.get(t.id)?.attempts ?? []).map((a) => ({ ...a })));
  }

  volunteerCounts(job: JobId): VolunteerCounts {
    const all = (this.#jobs.get(job) ?? []).flatMap((t) => this.#tasks.get(t.id)?.attempts ?? []);
    return { attempted: new Set(all.map((a) => a.peer)).size, accepted: new Set(all.filter((a) => a.outcome === "result").map((a) => a.peer)).size };
  }

  latestAttempts(job: JobId, limit: number): AttemptTimeline {
    const all = this.#all(job);
    all.sort((a, b) => a.start - b.start || a.task - b.task || a.attempt - b.attempt);
    return { total: all.length, attempts: all.slice(Math.max(0, all.length - limit)).map((a) => ({ ...a })), cursor: this.#cursor };
  }

  attemptsSince(job: JobId, cursor: number, limit: number): AttemptTimeline {
    const all = this.#all(job);
    const changed = all.filter((a) => this.#changed.get(a)! > cursor).sort((a, b) => this.#changed.get(a)! - this.#changed.get(b)!);
    const page = changed.slice(0, limit);
    const more = changed.length > limit;
    const answer: AttemptTimeline = { total: all.length, attempts: page.map((a) => ({ ...a })), cursor: more ? this.#changed.get(page.at(-1)!)! : this.#cursor };
    if (more) answer.more = true;
    return answer;
  }

  cursor(): number {
    return this.#cursor;
  }

  #all(job: JobId): AttemptView[] {
    return (this.#jobs.get(job) ?? []).flatMap((t) => this.#tasks.get(t.id)?.attempts ?? []);
  }

  close(): void {}
}
