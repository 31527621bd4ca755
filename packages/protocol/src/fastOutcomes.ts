import { LIMITS } from "./limits.ts";

/**
 * A hand-written check of the messages a busy worker sends most (`outcomes` and `task-result`),
 * accepting only what the zod schemas in parseMessages.ts accept: per task outcome the schema
 * walk cost more than the JSON parse. It only ever says yes or "ask zod": anything it does not
 * accept is parsed again by the schema, which then gives the error message. The parity test
 * (fastOutcomes.test.ts) fuzzes both with the same mutated messages.
 */
export function isOutcomesMessage(value: Record<string, unknown>, limits: OutcomeLimits): boolean {
  if (value["type"] === "task-result") return isTaskResult(value, limits);
  if (value["type"] === "task-failed") return isTaskFailed(value);
  if (value["type"] !== "outcomes" || !hasOnlyKeys(value, OUTCOMES_KEYS)) return false;
  const outcomes = value["outcomes"];
  if (!Array.isArray(outcomes) || outcomes.length < 1 || outcomes.length > limits.outcomes) return false;
  for (const outcome of outcomes) {
    if (typeof outcome !== "object" || outcome === null || Array.isArray(outcome)) return false;
    const o = outcome as Record<string, unknown>;
    if (o["type"] === "task-result" ? !isTaskResult(o, limits) : !isTaskFailed(o)) return false;
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
const FAILED_KEYS = new Set(["type", "taskId", "attempt", "error"]);
const FAILURE_KEYS = new Set(["kind", "message", "line", "traceback"]);
const FAILURE_KINDS = new Set(["syntax", "runtime", "budget", "memory", "result", "deadline", "internal"]);

function isTaskResult(o: Record<string, unknown>, limits: OutcomeLimits): boolean {
  if (!hasOnlyKeys(o, RESULT_KEYS) || !isId(o["taskId"]) || !isCount(o["attempt"])) return false;
  if (!isNonNegative(o["instructions"]) || !isNonNegative(o["elapsedMs"])) return false;
  const log = o["log"];
  if (!Array.isArray(log) || log.length > limits.logLines) return false;
  for (const line of log) if (typeof line !== "string" || line.length > limits.logLineBytes) return false;
  const result = o["result"];
  if (typeof result !== "object" || result === null || Array.isArray(result)) return false;
  const keys = Object.keys(result);
  if (keys.length !== 1) return false;
  // JSON.parse only makes JSON values, so a value is checked for being present, not for its shape.
  if (keys[0] === "output") return (result as Record<string, unknown>)["output"] !== undefined;
  const outputs = (result as Record<string, unknown>)["outputs"];
  return keys[0] === "outputs" && Array.isArray(outputs) && outputs.length <= LIMITS.batchSize;
}

function isTaskFailed(o: Record<string, unknown>): boolean {
  if (o["type"] !== "task-failed" || !hasOnlyKeys(o, FAILED_KEYS) || !isId(o["taskId"]) || !isCount(o["attempt"])) return false;
  const error = o["error"];
  if (typeof error !== "object" || error === null || Array.isArray(error) || !hasOnlyKeys(error as Record<string, unknown>, FAILURE_KEYS)) return false;
  const e = error as Record<string, unknown>;
  if (!FAILURE_KINDS.has(e["kind"] as string) || typeof e["message"] !== "string" || e["message"].length > 16 * 1024) return false;
  if (e["line"] !== undefined && !isCount(e["line"])) return false;
  return e["traceback"] === undefined || (typeof e["traceback"] === "string" && e["traceback"].length <= 64 * 1024);
}

/** No key outside the schema's (each validator checks its required keys by their values). */
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
