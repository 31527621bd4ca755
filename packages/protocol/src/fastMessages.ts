import { FAILURE_KINDS } from "./failureKinds.ts";
import { LIMITS } from "./limits.ts";

// Hand-written checks of the messages a busy grid sends most: task outcomes (worker → coordinator)
// and assignments (coordinator → worker). Per message the zod schema walk cost several times the
// JSON parse. Each check accepts only what the schemas in parseMessages.ts accept and says either
// yes or "ask the schema": anything turned down is parsed again by the schema, which then gives
// the error. fastMessages.test.ts fuzzes both with the same one-field mutations of valid messages.

/** `outcomes`, `task-result` or `task-failed` from a worker (5 us → 2 us per outcome in a batch of 16). */
export function isOutcomesMessage(value: Record<string, unknown>, limits: OutcomeLimits): boolean {
  if (value["type"] === "task-result") return isTaskResult(value, limits);
  if (value["type"] === "task-failed") return isTaskFailed(value, limits);
  if (value["type"] !== "outcomes" || !hasOnlyKeys(value, OUTCOMES_KEYS)) return false;
  const outcomes = value["outcomes"];
  if (!Array.isArray(outcomes) || outcomes.length < 1 || outcomes.length > limits.outcomes) return false;
  for (const outcome of outcomes) {
    if (!isPlainObject(outcome)) return false;
    if (outcome["type"] === "task-result" ? !isTaskResult(outcome, limits) : !isTaskFailed(outcome, limits)) return false;
  }
  return true;
}

export interface OutcomeLimits {
  outcomes: number;
  logLines: number;
  logLineBytes: number;
}

const OUTCOMES_KEYS = new Set(["type", "outcomes"]);
const RESULT_KEYS = new Set(["type", "taskId", "attempt", "result", "log", "instructions", "elapsedMs"]);
const FAILED_KEYS = new Set(["type", "taskId", "attempt", "error", "log"]);
const FAILURE_KEYS = new Set(["kind", "message", "line", "traceback"]);
const KINDS = new Set<unknown>(FAILURE_KINDS);

function isTaskResult(o: Record<string, unknown>, limits: OutcomeLimits): boolean {
  if (!hasOnlyKeys(o, RESULT_KEYS) || !isId(o["taskId"]) || !isCount(o["attempt"])) return false;
  if (!isNonNegative(o["instructions"]) || !isNonNegative(o["elapsedMs"])) return false;
  if (!isLog(o["log"], limits)) return false;
  const result = o["result"];
  if (!isPlainObject(result)) return false;
  const keys = Object.keys(result);
  if (keys.length !== 1) return false;
  // JSON.parse only makes JSON values, so a value is checked for being present, not for its shape.
  if (keys[0] === "output") return result["output"] !== undefined;
  const outputs = result["outputs"];
  return keys[0] === "outputs" && Array.isArray(outputs) && outputs.length <= LIMITS.batchSize;
}

function isLog(log: unknown, limits: OutcomeLimits): boolean {
  if (!Array.isArray(log) || log.length > limits.logLines) return false;
  for (const line of log) if (typeof line !== "string" || line.length > limits.logLineBytes) return false;
  return true;
}

function isTaskFailed(o: Record<string, unknown>, limits: OutcomeLimits): boolean {
  if (o["type"] !== "task-failed" || !hasOnlyKeys(o, FAILED_KEYS) || !isId(o["taskId"]) || !isCount(o["attempt"])) return false;
  if (o["log"] !== undefined && !isLog(o["log"], limits)) return false;
  const error = o["error"];
  if (!isPlainObject(error) || !hasOnlyKeys(error, FAILURE_KEYS)) return false;
  const e = error;
  if (!KINDS.has(e["kind"]) || typeof e["message"] !== "string" || e["message"].length > 16 * 1024) return false;
  if (e["line"] !== undefined && !isCount(e["line"])) return false;
  return e["traceback"] === undefined || (typeof e["traceback"] === "string" && e["traceback"].length <= 64 * 1024);
}

/** `assign` from the coordinator (15 us → 4 us for one assignment). */
export function isAssignMessage(value: Record<string, unknown>, limits: { assignments: number }): boolean {
  if (value["type"] !== "assign" || !hasOnlyKeys(value, ASSIGN_KEYS)) return false;
  const assignments = value["assignments"];
  if (!Array.isArray(assignments) || assignments.length > limits.assignments) return false;
  for (const a of assignments) if (!isAssignment(a)) return false;
  return true;
}

const ASSIGN_KEYS = new Set(["type", "assignments"]);
const ASSIGNMENT_KEYS = new Set(["taskId", "attempt", "jobId", "leaseDeadline", "task", "shard"]);
const MAP_KEYS = new Set(["kind", "slice", "points"]);
const SLICE_KEYS = new Set(["key", "haloStart", "start", "end"]);
const POINT_KEYS = new Set(["index", "p"]);
const REDUCE_KEYS = new Set(["kind", "level", "group", "values"]);
const SHA256 = /^[0-9a-f]{64}$/;

function isAssignment(a: unknown): boolean {
  if (!isPlainObject(a) || !hasOnlyKeys(a, ASSIGNMENT_KEYS)) return false;
  if (!isId(a["taskId"]) || !isCount(a["attempt"]) || !isId(a["jobId"])) return false;
  if (typeof a["leaseDeadline"] !== "number" || !Number.isFinite(a["leaseDeadline"])) return false;
  const shard = a["shard"];
  if (shard !== undefined && !(typeof shard === "string" && SHA256.test(shard))) return false;
  const task = a["task"];
  if (!isPlainObject(task)) return false;
  if (task["kind"] === "map") return isMapTask(task);
  if (task["kind"] !== "reduce" || !hasOnlyKeys(task, REDUCE_KEYS) || !isCount(task["level"]) || !isCount(task["group"])) return false;
  // JSON.parse only makes JSON values, so reduce inputs are checked for count, not shape.
  const values = task["values"];
  return Array.isArray(values) && values.length <= LIMITS.reduceFanIn;
}

function isMapTask(task: Record<string, unknown>): boolean {
  if (!hasOnlyKeys(task, MAP_KEYS)) return false;
  const slice = task["slice"];
  if (!isPlainObject(slice) || !hasOnlyKeys(slice, SLICE_KEYS)) return false;
  if (typeof slice["key"] !== "string" || slice["key"].length > 256) return false;
  if (!isCount(slice["haloStart"]) || !isCount(slice["start"]) || !isCount(slice["end"])) return false;
  const points = task["points"];
  if (!Array.isArray(points) || points.length > LIMITS.batchSize) return false;
  for (const point of points) {
    if (!isPlainObject(point) || !hasOnlyKeys(point, POINT_KEYS) || !isCount(point["index"])) return false;
    const p = point["p"];
    if (!isPlainObject(p)) return false;
    for (const key in p) {
      const v = p[key];
      if (typeof v !== "string" && typeof v !== "boolean" && !(typeof v === "number" && Number.isFinite(v))) return false;
    }
  }
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** No key outside the schema's (each check above looks at the required keys by their values). */
function hasOnlyKeys(o: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in o) if (!allowed.has(key)) return false;
  return true;
}

function isId(v: unknown): boolean {
  return typeof v === "string" && v.length >= 1 && v.length <= 200;
}

function isCount(v: unknown): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function isNonNegative(v: unknown): boolean {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}
