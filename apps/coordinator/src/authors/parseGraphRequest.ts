import type { IndexedPoint, ParamPoint, TaskId } from "@shoal/protocol";
import { asTaskId, LIMITS } from "@shoal/protocol";
import type { ResultSpec, TaskInput, TaskNode, TaskWork } from "@shoal/scheduler";
import { JobRequestError } from "./JobRequestError.ts";

/** Most tasks one graph may hold. */
export const MAX_GRAPH_TASKS = 100_000;
/** Most values one reduce task (or a value-shaped result) may read: the largest fan-in of a map/reduce job. */
export const MAX_REDUCE_VALUES = LIMITS.reduceFanIn;
/** Most output ranges a list-shaped result may concatenate. */
const MAX_RESULT_INPUTS = 1_000_000;
const MAX_REPLICAS = 16;
const TASK_ID = /^[A-Za-z0-9_.:/-]{1,128}$/;
const SPEC_FIELDS = ["script", "engine", "budget", "resultBytes", "seed"];

/** A graph job as the API takes it (`POST /api/graphs`); map tasks name series by key and carry no shard yet. */
export interface ParsedGraphRequest {
  dataset: string;
  spec: Record<string, unknown>;
  tasks: TaskNode[];
  result: ResultSpec;
  replicas?: number;
  quorum?: number;
}

/**
 * Validates the shape of an untrusted graph job body `{dataset, spec, graph: {tasks, result}, replicas?, quorum?}`;
 * the spec's values, the graph's references and the rows are checked by the job service.
 */
export function parseGraphRequest(body: unknown): ParsedGraphRequest {
  const root = object(body, "the body", ["dataset", "spec", "graph", "replicas", "quorum"]);
  const { dataset, spec, graph, replicas, quorum } = root;
  if (typeof dataset !== "string" || dataset.length === 0 || dataset.length > 200) fail("dataset must be a dataset id");
  const specObject = object(spec, "spec", SPEC_FIELDS);
  const g = object(graph, "graph", ["tasks", "result"]);
  if (!Array.isArray(g.tasks) || g.tasks.length === 0) fail("graph.tasks must be a non-empty array");
  if (g.tasks.length > MAX_GRAPH_TASKS) fail(`graph has ${g.tasks.length} tasks; at most ${MAX_GRAPH_TASKS} are allowed`);
  const tasks = g.tasks.map((task: unknown, i) => parseTask(task, `graph.tasks[${i}]`));
  const r = object(g.result, "graph.result", ["inputs", "shape"]);
  if (r.shape !== "list" && r.shape !== "value") fail('graph.result.shape must be "list" or "value"');
  const request: ParsedGraphRequest = { dataset, spec: specObject, tasks, result: { inputs: parseInputs(r.inputs, "graph.result.inputs", MAX_RESULT_INPUTS), shape: r.shape } };
  if (replicas !== undefined) request.replicas = integer(replicas, "replicas", 1, MAX_REPLICAS);
  if (quorum !== undefined) request.quorum = integer(quorum, "quorum", 1, request.replicas ?? 1);
  return request;
}

function parseTask(value: unknown, where: string): TaskNode {
  const task = object(value, where, ["id", "work", "inputs"]);
  const id = taskId(task.id, `${where}.id`);
  const inputs = parseInputs(task.inputs, `${where}.inputs`);
  const kind = object(task.work, `${where}.work`, ["kind", "slice", "points", "level", "group"]).kind;
  let work: TaskWork;
  if (kind === "map") {
    const w = object(task.work, `${where}.work`, ["kind", "slice", "points"]);
    const s = object(w.slice, `${where}.work.slice`, ["key", "haloStart", "start", "end"]);
    if (typeof s.key !== "string" || s.key.length > 1024) fail(`${where}.work.slice.key must be a series key`);
    const [haloStart, start, end] = (["haloStart", "start", "end"] as const).map((k) => integer(s[k], `${where}.work.slice.${k}`, 0, 2 ** 32)) as [number, number, number];
    if (!(haloStart <= start && start <= end)) fail(`${where}.work.slice must have haloStart ≤ start ≤ end`);
    if (start - haloStart > LIMITS.halo) fail(`${where}.work.slice has more than ${LIMITS.halo} halo rows`);
    if (!Array.isArray(w.points) || w.points.length > LIMITS.batchSize) fail(`${where}.work.points must be an array of at most ${LIMITS.batchSize} points`);
    work = { kind, slice: { key: s.key, haloStart, start, end }, points: w.points.map((p: unknown, i) => parsePoint(p, `${where}.work.points[${i}]`)) };
  } else if (kind === "reduce") {
    const w = object(task.work, `${where}.work`, ["kind", "level", "group"]);
    work = { kind, level: integer(w.level, `${where}.work.level`, 0, 2 ** 32), group: integer(w.group, `${where}.work.group`, 0, 2 ** 32) };
    const values = inputs.reduce((n, input) => n + input.to - input.from, 0);
    if (values > MAX_REDUCE_VALUES) fail(`${where} reduces ${values} values; at most ${MAX_REDUCE_VALUES} are allowed (reduce in stages)`);
  } else {
    fail(`${where}.work.kind must be "map" or "reduce"`);
  }
  return { id, work, inputs };
}

function parsePoint(value: unknown, where: string): IndexedPoint {
  const point = object(value, where, ["index", "p"]);
  const p = object(point.p, `${where}.p`, []);
  const names = Object.keys(p);
  if (names.length > 1024) fail(`${where}.p has too many parameters`);
  for (const name of names) {
    const v = p[name];
    const ok = (typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean" || (typeof v === "string" && v.length <= 256);
    if (!ok || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) fail(`${where}.p.${name} must be a Lua identifier with a number, boolean or short string`);
  }
  return { index: integer(point.index, `${where}.index`, 0, LIMITS.paramPoints * LIMITS.batchSize), p: p as ParamPoint };
}

function parseInputs(value: unknown, where: string, max: number = MAX_REDUCE_VALUES): TaskInput[] {
  if (!Array.isArray(value) || value.length > max) fail(`${where} must be an array of at most ${max} inputs`);
  return value.map((item: unknown, i) => {
    const input = object(item, `${where}[${i}]`, ["task", "from", "to"]);
    return { task: taskId(input.task, `${where}[${i}].task`), from: integer(input.from, `${where}[${i}].from`, 0, 2 ** 32), to: integer(input.to, `${where}[${i}].to`, 0, 2 ** 32) };
  });
}

function taskId(value: unknown, where: string): TaskId {
  if (typeof value !== "string" || !TASK_ID.test(value)) fail(`${where} must be 1 to 128 letters, digits or _ . : / -`);
  return asTaskId(value);
}

/** An object with only the `allowed` keys (any keys when `allowed` is empty). */
function object(value: unknown, where: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`${where} must be an object`);
  const record = value as Record<string, unknown>;
  const unknown = allowed.length === 0 ? undefined : Object.keys(record).find((key) => !allowed.includes(key));
  if (unknown !== undefined) fail(`unknown field ${where}.${unknown}`);
  return record;
}

function integer(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) fail(`${where} must be an integer from ${min} to ${max}`);
  return value;
}

function fail(message: string): never {
  throw new JobRequestError(message);
}
