import type { EngineName, JobId, JobView } from "@shoal/protocol";
import { ENGINE_NAMES, hasLoneSurrogate, LIMITS, LONE_SURROGATE_PROBLEM } from "@shoal/protocol";
import { bearerHash } from "../../auth/authorTokens.ts";
import { JobRequestError } from "../../authors/JobRequestError.ts";
import type { JobRequest } from "../../authors/JobService.ts";
import { HttpError } from "../HttpError.ts";
import type { HttpDeps } from "../HttpDeps.ts";
import { readJsonBody } from "../readJsonBody.ts";
import { sendJson, sendJsonText } from "../respond.ts";
import type { Router } from "../Router.ts";
import { SseStream } from "../SseStream.ts";

/** Largest job request body: the script limit plus room for a large parameter grid. */
const JOB_BODY_BYTES = LIMITS.scriptBytes * 2 + 8 * 1024 * 1024;
const MAX_REPLICAS = 16;

/** `/api/check` and `/api/jobs`: syntax checks, submission, views, scripts, progress events, results, cancellation. */
export function jobRoutes(router: Router, deps: HttpDeps): void {
  const { jobs } = deps;
  /** The view with its live chain, for a job that is one's first or newest. */
  const withLive = (view: JobView): JobView => {
    const live = deps.live.describe(view.id);
    return live ? { ...view, live } : view;
  };

  router.add("POST", "/api/check", async ({ req, res }) => {
    const body = await readJsonBody(req, LIMITS.scriptBytes * 2 + 1024);
    const script = isObject(body) ? body.script : undefined;
    if (typeof script !== "string") throw new HttpError(400, "expected {script: string}");
    if (Buffer.byteLength(script) > LIMITS.scriptBytes) throw new HttpError(400, `script is larger than ${LIMITS.scriptBytes} bytes`);
    if (hasLoneSurrogate(script)) throw new HttpError(400, LONE_SURROGATE_PROBLEM);
    const engine = isObject(body) ? (body.engine ?? "fengari") : undefined;
    if (!ENGINE_NAMES.includes(engine as EngineName)) throw new HttpError(400, `expected engine to be ${ENGINE_NAMES.join(" or ")}`);
    sendJson(res, 200, await jobs.check(script, engine as EngineName));
  });

  router.add("POST", "/api/jobs", async ({ req, res }) => {
    const request = parseJobRequest(await readJsonBody(req, JOB_BODY_BYTES));
    // Past the auth check, the bearer's hash says whose request this is: live jobs are capped per token.
    const view = await answer(() => (request.live ? deps.live.submit(request, bearerHash(req.headers.authorization)) : jobs.submit(request)));
    deps.logger.info(`job ${view.id} submitted: ${view.tasks.total} tasks over dataset ${view.dataset}`);
    sendJson(res, 201, withLive(view));
  });

  router.add("GET", "/api/jobs", ({ res, url }) => {
    const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get("limit") ?? 100) || 100));
    sendJson(res, 200, jobs.list(limit).map(withLive));
  });

  router.add("GET", "/api/jobs/:id", ({ res, params }) => {
    const view = jobs.view(params.id as JobId);
    if (!view) throw new HttpError(404, `no job ${params.id}`);
    sendJson(res, 200, withLive(view));
  });

  router.add("GET", "/api/jobs/:id/script", ({ res, params }) => {
    const spec = jobs.spec(params.id as JobId);
    if (!spec) throw new HttpError(404, `no job ${params.id}`);
    sendJson(res, 200, { script: spec.script });
  });

  router.add("GET", "/api/jobs/:id/result", async ({ res, params }) => {
    sendJsonText(res, 200, await answer(() => jobs.resultText(params.id as JobId)));
  });

  router.add("POST", "/api/jobs/:id/cancel", async ({ res, params }) => {
    const view = await answer(() => jobs.cancel(params.id as JobId));
    deps.live.stop(view.id);
    sendJson(res, 200, view);
  });

  router.add("DELETE", "/api/jobs/:id/live", ({ res, params }) => {
    const id = params.id as JobId;
    if (!jobs.view(id)) throw new HttpError(404, `no job ${id}`);
    const chain = deps.live.chainOf(id);
    if (!chain) throw new HttpError(404, `job ${id} is not live`);
    sendJson(res, 200, { chain, stopped: deps.live.stop(id) });
  });

  router.add("GET", "/api/jobs/:id/live", ({ req, res, params }) => {
    const id = params.id as JobId;
    if (!jobs.view(id)) throw new HttpError(404, `no job ${id}`);
    if (!deps.live.chainOf(id)) throw new HttpError(404, `job ${id} is not live`);
    const stream = new SseStream(req, res);
    const chain = deps.live.chainOf(id);
    const unsubscribe = deps.live.watch(id, (event) => {
      if (event.type === "stopped") {
        stream.send("stopped", { chain });
        stream.close();
      } else if (event.type === "running") stream.send("running", event.running);
      else stream.send("version", event.version);
    });
    if (!unsubscribe) stream.close();
    else stream.onClose(unsubscribe);
  });

  router.add("GET", "/api/jobs/:id/events", ({ req, res, params }) => {
    const id = params.id as JobId;
    if (!jobs.view(id)) throw new HttpError(404, `no job ${id}`);
    const stream = new SseStream(req, res);
    let last = "";
    const push = () => {
      const found = jobs.view(id);
      if (!found || !stream.open) return;
      const view = withLive(found);
      const text = JSON.stringify(view);
      if (text !== last) stream.send("progress", view);
      last = text;
      if (view.status === "done" || view.status === "failed" || view.status === "cancelled") {
        stream.send(view.status, view);
        stream.close();
      }
    };
    const timer = setInterval(push, deps.progressMs);
    const unsubscribe = jobs.onFinished((view) => view.id === id && push());
    stream.onClose(() => {
      clearInterval(timer);
      unsubscribe();
    });
    push();
  });
}

/** Validates the shape of a job request; the spec itself is checked by the job service. */
function parseJobRequest(body: unknown): JobRequest {
  if (!isObject(body)) throw new HttpError(400, "expected {dataset, spec, replicas?, quorum?, live?}");
  const unknown = Object.keys(body).filter((key) => !["dataset", "spec", "replicas", "quorum", "live"].includes(key));
  if (unknown.length > 0) throw new HttpError(400, `unknown field ${unknown[0]}`);
  const { dataset, spec, replicas, quorum, live } = body;
  if (typeof dataset !== "string" || dataset.length === 0 || dataset.length > 200) throw new HttpError(400, "dataset must be a dataset id");
  if (!isObject(spec)) throw new HttpError(400, "spec must be an object with at least a script");
  const request: JobRequest = { dataset, spec };
  if (replicas !== undefined) request.replicas = count("replicas", replicas, MAX_REPLICAS);
  if (quorum !== undefined) request.quorum = count("quorum", quorum, request.replicas ?? 1);
  if (live !== undefined && typeof live !== "boolean") throw new HttpError(400, "live must be true or false");
  if (live === true) request.live = true;
  return request;
}

function count(name: string, value: unknown, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw new HttpError(400, `${name} must be an integer from 1 to ${max}`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Turns a job service refusal into the matching HTTP error. */
export async function answer<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof JobRequestError) throw new HttpError(error.status, error.message, error.line === undefined ? {} : { line: error.line });
    throw error;
  }
}
