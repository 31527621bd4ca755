import { MAX_ATTEMPT_LOG_BYTES } from "@shoal/protocol";
import type { CommandOutcomes, Lease, TaskNode } from "@shoal/scheduler";
import type { Applied, DurableScheduler } from "../volunteers/DurableScheduler.ts";
import type { Logger } from "../Logger.ts";
import { capLog } from "./capLog.ts";
import type { AttemptEnd, TaskHistoryStore, TaskRecord } from "./TaskHistoryStore.ts";

/** `print` output noted per attempt and not yet claimed by its report; a report turned away untouched never claims it. */
const MAX_NOTED_LOGS = 4096;

/**
 * Keeps every job's tasks and the history of their attempts — who ran each, when, and how it ended,
 * with the Lua error or the `print` output — for authors to read, from the commands the scheduler
 * commits. It writes after each commit, in a transaction of its own per turn: a coordinator killed
 * in between loses at most that turn's history, never the job.
 */
export class TaskHistory {
  readonly #store: TaskHistoryStore;
  readonly #logger: Logger;
  readonly #logs = new Map<string, string[]>();
  #writes: Array<() => void> = [];
  #queued = false;

  constructor(store: TaskHistoryStore, scheduler: DurableScheduler, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
    scheduler.onApplied((applied) => this.#applied(applied));
  }

  /** Keeps a result's `print` lines until its report is committed; call before handing the report to the scheduler. */
  noteLog(taskId: string, attempt: number, lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.#logs.set(`${taskId}#${attempt}`, [...lines]);
    while (this.#logs.size > MAX_NOTED_LOGS) this.#logs.delete(this.#logs.keys().next().value!);
  }

  /** Writes what is queued now rather than at the end of the turn. */
  flush(): void {
    const writes = this.#writes;
    this.#writes = [];
    if (writes.length === 0) return;
    try {
      this.#store.transaction(() => {
        for (const write of writes) write();
      });
    } catch (error) {
      this.#logger.error(`task history: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #applied({ command: c, outcome, cancel, events }: Applied): void {
    const s = this.#store;
    const ends: Array<[Lease, AttemptEnd["outcome"], number]> = [];
    switch (c.type) {
      case "submit-job":
        this.#write(() => s.addTasks(c.job.id, c.job.graph.tasks.map(taskRecord)));
        break;
      case "request-work":
        for (const a of (outcome as CommandOutcomes["request-work"]).assignments) this.#write(() => s.startAttempt(a.taskId, a.attempt, c.peerId, c.now));
        break;
      case "submit-result": {
        const { status, reason } = outcome as CommandOutcomes["submit-result"];
        const end: AttemptEnd = { end: c.now, outcome: status === "accepted" ? "result" : status === "rejected" ? "rejected" : "late" };
        if (reason !== undefined) end.message = reason;
        this.#write(() => s.endAttempt(c.taskId, c.attempt, this.#withLog(c.taskId, c.attempt, end)));
        break;
      }
      case "submit-failure": {
        const end: AttemptEnd = { end: Date.now(), outcome: "error", kind: c.error.kind, message: c.error.message };
        if (c.error.line !== undefined) end.line = c.error.line;
        this.#write(() => s.endAttempt(c.taskId, c.attempt, this.#withLog(c.taskId, c.attempt, end)));
        break;
      }
      case "tick":
        for (const lease of (outcome as CommandOutcomes["tick"]).expired) ends.push([lease, "timeout", c.now]);
        break;
      case "remove-peer":
      case "resume-peer":
        for (const lease of (outcome as CommandOutcomes["remove-peer"]).expired) ends.push([lease, "disconnect", Date.now()]);
        break;
    }
    for (const lease of cancel) ends.push([lease, "cancelled", Date.now()]);
    for (const [lease, how, at] of ends) this.#write(() => s.endAttempt(lease.taskId, lease.attempt, { end: at, outcome: how }));
    for (const event of events) {
      if (event.type === "task-done") this.#write(() => s.setTaskState(event.taskId, "done"));
      const failed = event.type === "job-failed" ? event.error.taskId : undefined;
      if (failed !== undefined) this.#write(() => s.setTaskState(failed, "failed"));
    }
  }

  /** The end with the attempt's noted `print` output, capped, which it claims. */
  #withLog(taskId: string, attempt: number, end: AttemptEnd): AttemptEnd {
    const key = `${taskId}#${attempt}`;
    const lines = this.#logs.get(key);
    this.#logs.delete(key);
    if (!lines) return end;
    const { log, truncated } = capLog(lines, MAX_ATTEMPT_LOG_BYTES);
    return { ...end, log, logTruncated: truncated };
  }

  #write(fn: () => void): void {
    this.#writes.push(fn);
    if (this.#queued) return;
    this.#queued = true;
    setImmediate(() => {
      this.#queued = false;
      this.flush();
    });
  }
}

function taskRecord(node: TaskNode, index: number): TaskRecord {
  const w = node.work;
  const key = w.kind === "map" ? w.slice.key : `level ${w.level}, group ${w.group}`;
  return { id: node.id, index, kind: w.kind, key, points: w.kind === "map" ? w.points.length : 0, state: node.memoOutput === undefined ? "pending" : "reused" };
}
