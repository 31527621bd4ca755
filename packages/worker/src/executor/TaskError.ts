import type { FailureKind, TaskFailureData } from "@shoal/protocol";

/** Why a task failed: a Lua error of the job's own, a limit it hit, or its deadline (the wire's `FailureKind`). */
export type TaskErrorKind = FailureKind;

/** A failed task, in a form that crosses thread and network boundaries as plain data: the wire's `TaskFailureData`. */
export type TaskErrorData = TaskFailureData & {
  /** The task's `print` output up to its error (sent beside the failure, in `task-failed.log`). */
  log?: string[];
};

/** A task failure raised to callers of an executor; `message` reads like Lua's (`job.lua:12: boom`). */
export class TaskError extends Error {
  override readonly name = "TaskError";
  readonly kind: TaskErrorKind;
  readonly line: number | undefined;
  readonly traceback: string | undefined;
  readonly log: string[] | undefined;

  constructor(data: TaskErrorData) {
    super(data.message);
    this.kind = data.kind;
    this.line = data.line;
    this.traceback = data.traceback;
    this.log = data.log;
  }

  toData(): TaskErrorData {
    const data: TaskErrorData = { kind: this.kind, message: this.message, line: this.line, traceback: this.traceback };
    if (this.log !== undefined) data.log = this.log;
    return data;
  }

  /**
   * The failure of a task stopped by its wall-clock deadline (`deadlineMs`: the shorter of the
   * executor's and the job's). Its thread was terminated mid-instruction, so no line is known:
   * the message names the deadline instead ("job.lua: deadline exceeded after 600 s").
   */
  static deadline(deadlineMs: number): TaskError {
    return new TaskError({ kind: "deadline", message: `job.lua: deadline exceeded after ${deadlineMs / 1000} s` });
  }

  /** Wraps anything thrown while running a task; errors from the Lua engine keep their kind, line and traceback. */
  static from(error: unknown): TaskError {
    if (error instanceof TaskError) return error;
    if (error instanceof Error && "kind" in error && typeof error.kind === "string") {
      const lua = error as Error & { kind: TaskErrorKind; line?: number; traceback?: string; log?: string[] };
      const data: TaskErrorData = { kind: lua.kind, message: lua.message, line: lua.line, traceback: lua.traceback };
      if (lua.log !== undefined) data.log = lua.log;
      return new TaskError(data);
    }
    return new TaskError({ kind: "internal", message: error instanceof Error ? error.message : String(error) });
  }
}
