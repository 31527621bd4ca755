import { ENGINE_NAMES, jobSpecJsonSchema, LIMITS, MAX_PARTIAL_VALUES, MAX_TASK_PAGE, MAX_TIMELINE_ATTEMPTS } from "@shoal/protocol";
import { MAX_GRAPH_TASKS } from "../authors/parseGraphRequest.ts";

/** A JSON Schema object, as OpenAPI 3.1 embeds it. */
export type JsonSchema = Record<string, unknown>;

/** One route of the HTTP API as the OpenAPI document and docs/api.md describe it. */
export interface ApiRoute {
  method: "GET" | "POST" | "DELETE" | "OPTIONS";
  /** The path as the router registers it, `:name` for a parameter. */
  path: string;
  summary: string;
  /** False for the routes anyone may call; every other `/api/*` route needs `Authorization: Bearer <token>`. */
  auth: boolean;
  query?: Record<string, string>;
  body?: { type: "application/json" | "text/csv"; schema: JsonSchema; maxBytes: number };
  /** The success status and what it carries: a view of `@shoal/protocol`'s api/ by name, or a schema. */
  ok: { status: number; description: string; view?: string; schema?: JsonSchema; type?: string };
  /** Error statuses beside 401 (wrong token) and 405 (wrong method), each `{error, line?}`. */
  errors: Record<number, string>;
}

/** The job spec schema the coordinator validates with, as JSON Schema (its input side: defaults optional). */
const JOB_SPEC = jobSpecJsonSchema();
const MAX_REPLICAS = 16;
const JOB_BODY_BYTES = LIMITS.scriptBytes * 2 + 8 * 1024 * 1024;
const DATASET = { type: "string", minLength: 1, maxLength: 200, description: "a dataset id" };
const REPLICATION = {
  replicas: { type: "integer", minimum: 1, maximum: MAX_REPLICAS, default: 1, description: "copies of every task, on distinct volunteers" },
  quorum: { type: "integer", minimum: 1, default: 1, description: "agreeing copies needed to accept a result; at most replicas" },
};
const SHA256 = "lowercase hex SHA-256";
const NO_JOB = { 404: "no such job" };

/** Every route the coordinator registers, with its body, limits and errors. */
export const API_ROUTES: readonly ApiRoute[] = [
  { method: "GET", path: "/healthz", summary: "Liveness: answers while the event loop runs.", auth: false, ok: { status: 200, description: "`{ok: true}`", schema: { type: "object", properties: { ok: { const: true } } } }, errors: {} },
  { method: "GET", path: "/metrics", summary: "Prometheus metrics (text exposition format).", auth: false, ok: { status: 200, description: "metrics text", type: "text/plain" }, errors: {} },
  { method: "GET", path: "/api/openapi.json", summary: "This document.", auth: false, ok: { status: 200, description: "the OpenAPI 3.1 document, cacheable for an hour" }, errors: {} },
  { method: "GET", path: "/api/peers", summary: "Connected volunteers.", auth: true, ok: { status: 200, description: "the volunteers", view: "PeerView[]" }, errors: {} },
  { method: "GET", path: "/shards/:hash", summary: "A shard's bytes by content hash: immutable, CORS-open, ETag = the hash.", auth: false, ok: { status: 200, description: "the shard (304 for a matching If-None-Match)", type: "application/octet-stream" }, errors: { 400: `hash is not a ${SHA256}`, 404: "no such shard" } },
  { method: "OPTIONS", path: "/shards/:hash", summary: "CORS preflight for shards.", auth: false, ok: { status: 204, description: "CORS headers" }, errors: {} },
  {
    method: "POST",
    path: "/api/datasets",
    summary: "Uploads a CSV dataset, streamed; the same bytes read with the same options give the existing dataset (200).",
    auth: true,
    query: { name: "required: the dataset's name (the series key of a one-series file)", key: "the key column (default `key`, if present)", time: "the time column (default the first)" },
    body: { type: "text/csv", schema: { type: "string" }, maxBytes: 512 * 1024 * 1024 },
    ok: { status: 201, description: "the new dataset (200 when it existed)", view: "DatasetView" },
    errors: { 400: "no name, or a bad row (`line` says which), or more series than the coordinator's limit", 413: "larger than the upload limit (512 MiB by default) or 100M values" },
  },
  {
    method: "POST",
    path: "/api/datasets/:id/append",
    summary: "Appends CSV rows (the dataset's columns, read with its options) as a new version: named series get rows after their last time, new keys become series; the old version stays readable.",
    auth: true,
    body: { type: "text/csv", schema: { type: "string" }, maxBytes: 512 * 1024 * 1024 },
    ok: { status: 201, description: "the new version (`parent`, `version`)", view: "DatasetView" },
    errors: {
      400: "a bad row, a time not after its series' last one, or other columns (`line` says which); nothing is stored",
      404: "no such dataset",
      409: "not the latest version: another version was appended to it",
      413: "larger than the upload limit",
    },
  },
  { method: "GET", path: "/api/datasets", summary: "The newest datasets, series counted, not listed.", auth: true, query: { limit: "1 to 1000, default 100" }, ok: { status: 200, description: "newest first", view: "DatasetSummary[]" }, errors: {} },
  { method: "GET", path: "/api/datasets/by-hash/:hash", summary: "The dataset read from CSV bytes with this SHA-256 (and these options, if given): the SDK's upload skip.", auth: true, query: { name: "optional", key: "optional", time: "optional" }, ok: { status: 200, description: "the dataset", view: "DatasetView" }, errors: { 400: `hash is not a ${SHA256}`, 404: "no dataset from these bytes" } },
  { method: "GET", path: "/api/datasets/:id", summary: "A dataset with its series.", auth: true, ok: { status: 200, description: "the dataset", view: "DatasetView" }, errors: { 404: "no such dataset" } },
  {
    method: "POST",
    path: "/api/check",
    summary: "Compiles a Lua script without running it.",
    auth: true,
    body: { type: "application/json", maxBytes: LIMITS.scriptBytes * 2 + 1024, schema: { type: "object", required: ["script"], properties: { script: { type: "string", description: `at most ${LIMITS.scriptBytes} UTF-8 bytes` }, engine: { enum: [...ENGINE_NAMES], default: "fengari" } } } },
    ok: { status: 200, description: "`{ok: true}` or `{ok: false, error: {message, line}}`", view: "CheckResult" },
    errors: { 400: "no script, too large, a lone surrogate, or an unknown engine", 413: "body larger than the limit" },
  },
  {
    method: "POST",
    path: "/api/jobs",
    summary: "Submits a map/reduce job over a dataset; sized against the author limits before anything is planned.",
    auth: true,
    body: { type: "application/json", maxBytes: JOB_BODY_BYTES, schema: { type: "object", required: ["dataset", "spec"], additionalProperties: false, properties: { dataset: DATASET, spec: JOB_SPEC, ...REPLICATION, live: { type: "boolean", default: false, description: "rerun the job on every version appended to the dataset (follow it at /api/jobs/{id}/live)" } } } },
    ok: { status: 201, description: "the job", view: "JobView" },
    errors: { 400: "a bad body or spec, a Lua error (`line`), or a limit passed (tasks, points, plan size), named with the figure; `live` not a boolean", 404: "no such dataset", 413: "body larger than the limit", 429: "the grid holds too many queued tasks, too many scripts wait for the probe, or (live) the coordinator, or this token, keeps its most live jobs" },
  },
  { method: "GET", path: "/api/jobs", summary: "The newest jobs.", auth: true, query: { limit: "1 to 1000, default 100" }, ok: { status: 200, description: "newest first", view: "JobView[]" }, errors: {} },
  { method: "GET", path: "/api/jobs/:id", summary: "A job's view.", auth: true, ok: { status: 200, description: "the job", view: "JobView" }, errors: NO_JOB },
  { method: "GET", path: "/api/jobs/:id/script", summary: "The job's Lua script.", auth: true, ok: { status: 200, description: "`{script}`", schema: { type: "object", properties: { script: { type: "string" } } } }, errors: NO_JOB },
  { method: "GET", path: "/api/jobs/:id/result", summary: "A finished job's result (any JSON value).", auth: true, ok: { status: 200, description: "the result" }, errors: { 404: "no such job", 409: "the job has not finished, or did not succeed" } },
  { method: "POST", path: "/api/jobs/:id/cancel", summary: "Cancels a job (a finished one stays as it ended).", auth: true, ok: { status: 200, description: "the job", view: "JobView" }, errors: NO_JOB },
  { method: "GET", path: "/api/jobs/:id/events", summary: "Server-sent events: `progress` with the JobView on every change, then one `done`, `failed` or `cancelled`, then the stream ends.", auth: true, ok: { status: 200, description: "an event stream of JobEvent", view: "JobEvent", type: "text/event-stream" }, errors: NO_JOB },
  {
    method: "GET",
    path: "/api/jobs/:id/live",
    summary: "Server-sent events of a live job's chain (any of its jobs' ids): `version` `{chain, version, dataset, jobId, status, reused, total, result?}` once per finished version (the last one at once on connecting), then `stopped` when the chain ends.",
    auth: true,
    ok: { status: 200, description: "an event stream of LiveVersion", type: "text/event-stream" },
    errors: { 404: "no such job, or the job is not live" },
  },
  { method: "DELETE", path: "/api/jobs/:id/live", summary: "Stops a live job's chain, cancelling its running rerun; its finished jobs stay.", auth: true, ok: { status: 200, description: "`{chain, stopped}`", schema: { type: "object", properties: { chain: { type: "string" }, stopped: { type: "boolean" } } } }, errors: { 404: "no such job, or the job is not live" } },
  { method: "GET", path: "/api/jobs/:id/tasks", summary: "A page of the job's tasks, each with its attempts (volunteer, engine, start, end, outcome, error, print output up to 16 KiB).", auth: true, query: { offset: `0 to 10000000, default 0`, limit: `1 to ${MAX_TASK_PAGE}, default 50` }, ok: { status: 200, description: "the page", view: "TaskPage" }, errors: { 400: "offset or limit not an integer in range, or given twice", 404: "no such job" } },
  {
    method: "GET",
    path: "/api/jobs/:id/attempts",
    summary: "The job's latest attempts for the task-stream timeline, with the total count and a cursor; with `since`, only the attempts started or ended after that cursor, in the order they changed.",
    auth: true,
    query: { limit: `1 to ${MAX_TIMELINE_ATTEMPTS}, default ${MAX_TIMELINE_ATTEMPTS}`, since: "optional: the `cursor` of an earlier answer, an integer from 0 to 2^53-1; `more: true` when changes past `limit` wait" },
    ok: { status: 200, description: "the timeline", view: "AttemptTimeline" },
    errors: { 400: "limit or since not an integer in range, given twice, or since ahead of this coordinator's history", 404: "no such job" },
  },
  { method: "GET", path: "/api/jobs/:id/volunteers", summary: "How many distinct volunteers ran the job's tasks and how many had a result taken, from its task history (so also after it ended).", auth: true, ok: { status: 200, description: "the counts", view: "VolunteerCounts" }, errors: NO_JOB },
  { method: "GET", path: "/api/jobs/:id/partial", summary: "While a job runs: what has arrived of its result, marked partial: the map outputs so far in plan order (for a job with a reduce, marked `beforeReduce`: they are not the reduce's result).", auth: true, query: { limit: `1 to ${MAX_PARTIAL_VALUES}, default 1000` }, ok: { status: 200, description: "the partial result", view: "PartialResult" }, errors: { 400: "limit not an integer in range, or given twice", 404: "no such job", 409: "the job has ended: read /result" } },
  { method: "GET", path: "/api/stats", summary: "One page of a public credit board (donors, teams or sites) over 24 h, 7 days or all time; cached 2 s, rate-limited per address.", auth: false, query: { board: "donors (default), teams or sites", window: "24h, 7d or all (default)", offset: "from 0", limit: "1 to 100" }, ok: { status: 200, description: "the page", view: "StatsPage" }, errors: { 400: "an unknown board or window, or a bad offset or limit", 429: "too many requests from this address" } },
  { method: "GET", path: "/api/stats/export", summary: "A board's totals as of the end of a past hour: immutable once the hour has passed, for mirrors.", auth: false, query: { hour: "required: YYYY-MM-DDTHH (UTC)", board: "donors (default), teams or sites", offset: "from 0", limit: "1 to 1000" }, ok: { status: 200, description: "the export page", view: "StatsExport" }, errors: { 400: "no hour, a bad hour, board, offset or limit", 409: "the hour has not ended yet", 429: "too many requests from this address" } },
  { method: "POST", path: "/api/donor", summary: "A donor's own standing, proven by its secret key; with `profile`, sets its public name and team (only for a key that has donated).", auth: false, body: { type: "application/json", maxBytes: 1024, schema: { type: "object", required: ["key"], additionalProperties: false, properties: { key: { type: "string", description: "the donor's secret key" }, profile: { type: "object", properties: { name: { type: "string", maxLength: 32 }, team: { type: "string", maxLength: 32 } } } } } }, ok: { status: 200, description: "the donor's credit and rank", view: "DonorStanding" }, errors: { 400: "a bad body, key or name", 404: "the key has not donated yet", 413: "body larger than the limit", 429: "too many requests from this address" } },
  {
    method: "POST",
    path: "/api/graphs",
    summary: "Submits a general task graph (map tasks over series slices, reduce tasks over other tasks' outputs); read it under /api/jobs.",
    auth: true,
    body: {
      type: "application/json",
      maxBytes: LIMITS.scriptBytes * 2 + MAX_GRAPH_TASKS * 640,
      schema: {
        type: "object",
        required: ["dataset", "spec", "graph"],
        additionalProperties: false,
        properties: {
          dataset: DATASET,
          spec: { type: "object", description: "the job spec's script, engine, budget, resultBytes and seed" },
          graph: { type: "object", required: ["tasks", "result"], properties: { tasks: { type: "array", minItems: 1, maxItems: MAX_GRAPH_TASKS }, result: { type: "object", required: ["inputs", "shape"] } } },
          ...REPLICATION,
        },
      },
    },
    ok: { status: 201, description: "the job", view: "JobView" },
    errors: { 400: "a bad graph (cycles, unknown task ids, bad slices) or spec, named by its path in the body", 404: "no such dataset", 413: "body larger than the limit", 429: "the grid holds too many queued tasks" },
  },
];
