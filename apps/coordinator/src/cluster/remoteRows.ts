import type { Assignment, JobId, TaskFailedMessage, TaskResultMessage } from "@shoal/protocol";
import { MESSAGE_LIMITS, parseCoordinatorMessage, parseWorkerMessage } from "@shoal/protocol";
import type { AttemptKey, ClaimedRowSql, RemoteResultRowSql } from "../store/postgres/TaskOffers.ts";

/** Job, task and node ids as coordinators make them; `''` is the single coordinator of a migrated database. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const NODE = /^[A-Za-z0-9_-]{0,64}$/;
const TASK = /^[A-Za-z0-9_/-]{1,200}$/;

/** Characters of one forwarded outcome at most: what one WebSocket message from a volunteer may hold, as for a local result. */
export const MAX_OUTCOME_CHARS = MESSAGE_LIMITS.messageBytes;

const isAttempt = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 1 && value <= 2 ** 31 - 1;
const isEpoch = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 1;

/** An offer this node claimed, checked: the assignment its volunteer runs, and the owner and epoch it answers to. */
export interface CheckedClaim extends AttemptKey {
  owner: string;
  epoch: number;
  assignment: Assignment;
}

/** A claimed offer row checked field by field, its assignment through the protocol's own `assign` check; or why it is not believed. */
export function checkClaimedRow(row: ClaimedRowSql): CheckedClaim | string {
  if (typeof row.job_id !== "string" || !ID.test(row.job_id)) return "a malformed job id";
  if (typeof row.task_id !== "string" || !TASK.test(row.task_id)) return "a malformed task id";
  if (!isAttempt(row.attempt)) return "a malformed attempt";
  if (typeof row.owner !== "string" || !NODE.test(row.owner)) return "a malformed owner";
  if (!isEpoch(row.epoch)) return "a malformed epoch";
  if (typeof row.assignment !== "string" || row.assignment.length > MESSAGE_LIMITS.messageBytes) return "an assignment that is not text, or too long";
  let assignment: Assignment;
  try {
    const message = parseCoordinatorMessage(`{"type":"assign","assignments":[${row.assignment}]}`);
    if (message.type !== "assign" || message.assignments.length !== 1) return "not one assignment";
    assignment = message.assignments[0]!;
  } catch (error) {
    return `its assignment is malformed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300);
  }
  if (assignment.jobId !== row.job_id || assignment.taskId !== row.task_id || assignment.attempt !== row.attempt) return "its assignment names another attempt than the offer";
  if (row.shard !== null && row.shard !== (assignment.shard ?? null)) return "its shard is not its assignment's";
  return { jobId: row.job_id as JobId, taskId: row.task_id, attempt: row.attempt, owner: row.owner, epoch: row.epoch, assignment };
}

/** A remote result the owner may feed to its scheduler: the worker's message as another node forwarded it. */
export interface CheckedResult extends AttemptKey {
  node: string;
  volunteer: string;
  message: TaskResultMessage | TaskFailedMessage;
}

/**
 * A remote result row checked before its owner believes it: the job must be one this node holds,
 * under the epoch the row and its offer name; the offer must be this node's and claimed by the
 * node that wrote the row; the outcome must be a worker's `task-result` or `task-failed` for that
 * very attempt, as the protocol parses it, no longer than a volunteer's message may be. Anything
 * else is why it is ignored.
 */
export function checkResultRow(row: RemoteResultRowSql, node: string, held: ReadonlyMap<JobId, number>, maxChars = MAX_OUTCOME_CHARS): CheckedResult | string {
  if (typeof row.job_id !== "string" || !ID.test(row.job_id)) return "a malformed job id";
  const epoch = held.get(row.job_id as JobId);
  if (epoch === undefined) return "a job this coordinator does not hold";
  if (typeof row.task_id !== "string" || !TASK.test(row.task_id)) return "a malformed task id";
  if (!isAttempt(row.attempt)) return "a malformed attempt";
  if (typeof row.node !== "string" || !NODE.test(row.node)) return "a malformed node";
  if (typeof row.volunteer !== "string" || !ID.test(row.volunteer)) return "a malformed volunteer id";
  if (row.epoch !== epoch) return `written under epoch ${String(row.epoch).slice(0, 20)}, but this coordinator holds the job at epoch ${epoch}`;
  if (row.offer_owner === null) return "no offer of that attempt is open";
  if (row.offer_owner !== node || row.offer_epoch !== epoch) return "its offer is not this coordinator's under the epoch it holds";
  if (row.offer_claimant !== row.node) return "its node does not hold the offer's claim";
  if (typeof row.outcome !== "string" || row.outcome.length > maxChars) return `an outcome that is not text, or longer than ${maxChars} characters`;
  let message;
  try {
    message = parseWorkerMessage(row.outcome);
  } catch (error) {
    return `its outcome is malformed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300);
  }
  if (message.type !== "task-result" && message.type !== "task-failed") return `its outcome is a ${message.type} message`;
  if (message.taskId !== row.task_id || message.attempt !== row.attempt) return "its outcome names another attempt than the row";
  return { jobId: row.job_id as JobId, taskId: row.task_id, attempt: row.attempt, node: row.node, volunteer: row.volunteer, message };
}
