import type { PeerId, TaskId } from "@shoal/protocol";
import type { JobRecord } from "./JobRecord.ts";
import type { SubmitOutcome } from "./types.ts";

/** A report that cannot be taken, and why. */
export interface ReportRefusal {
  status: Exclude<SubmitOutcome["status"], "accepted">;
  reason: string;
}

/**
 * Decides whether a result or failure for (task, attempt) from a peer may be taken: unknown or
 * foreign attempts are rejected, repeats are duplicates, and reports for closed jobs, finished
 * tasks or cancelled attempts are stale. An expired attempt may still report while its task is open.
 */
export function checkReport(job: JobRecord | undefined, peer: PeerId, taskId: TaskId, attempt: number): ReportRefusal | number {
  const index = job?.indexOf(taskId);
  if (!job || index === undefined) return { status: "rejected", reason: `unknown task ${taskId}` };
  const t = job.task(index);
  const a = Number.isInteger(attempt) ? t.attempts[attempt - 1] : undefined;
  const name = `attempt ${attempt} of task ${taskId}`;
  if (!a) return { status: "rejected", reason: `${name} was never assigned` };
  if (a.peer !== peer) return { status: "rejected", reason: `${name} belongs to another peer` };
  if (a.phase === "result" || a.phase === "failed") return { status: "duplicate", reason: `${name} was already reported` };
  if (job.state.status !== "running") return { status: "stale", reason: `job ${job.state.id} is ${job.state.status}` };
  if (t.status !== "pending") return { status: "stale", reason: `task ${taskId} is already done` };
  if (a.phase === "cancelled" || a.phase === "discarded") return { status: "stale", reason: `${name} was cancelled` };
  return index;
}
