import type { JobId } from "@shoal/protocol";
import { MAX_ATTEMPT_CURSOR, MAX_PARTIAL_VALUES, MAX_TASK_PAGE, MAX_TIMELINE_ATTEMPTS } from "@shoal/protocol";
import { HttpError } from "../HttpError.ts";
import type { HttpDeps } from "../HttpDeps.ts";
import { sendJson } from "../respond.ts";
import type { Router } from "../Router.ts";
import { answer } from "./jobRoutes.ts";

/** Largest `offset` taken: past any job the task limits allow. */
const MAX_OFFSET = 10_000_000;

/** `/api/jobs/:id/tasks`, `/attempts`, `/volunteers` and `/partial`: a job's tasks with their attempts, its timeline, who ran it, and what has arrived of its result. */
export function taskRoutes(router: Router, deps: HttpDeps): void {
  const { tasks } = deps;

  router.add("GET", "/api/jobs/:id/tasks", async ({ res, url, params }) => {
    const offset = intParam(url, "offset", 0, 0, MAX_OFFSET);
    const limit = intParam(url, "limit", 50, 1, MAX_TASK_PAGE);
    sendJson(res, 200, await answer(() => tasks.page(params.id as JobId, offset, limit)));
  });

  router.add("GET", "/api/jobs/:id/attempts", async ({ res, url, params }) => {
    const limit = intParam(url, "limit", MAX_TIMELINE_ATTEMPTS, 1, MAX_TIMELINE_ATTEMPTS);
    const since = url.searchParams.has("since") ? cursorParam(url, "since") : undefined;
    sendJson(res, 200, await answer(() => tasks.timeline(params.id as JobId, limit, since)));
  });

  router.add("GET", "/api/jobs/:id/volunteers", async ({ res, params }) => {
    sendJson(res, 200, await answer(() => tasks.volunteers(params.id as JobId)));
  });

  router.add("GET", "/api/jobs/:id/partial", async ({ res, url, params }) => {
    const limit = intParam(url, "limit", 1000, 1, MAX_PARTIAL_VALUES);
    sendJson(res, 200, await answer(() => tasks.partial(params.id as JobId, limit)));
  });
}

/** A cursor query parameter: given once, a decimal integer from 0 to {@link MAX_ATTEMPT_CURSOR} (at most 16 digits), else a 400 that names it. */
export function cursorParam(url: URL, name: string): number {
  const values = url.searchParams.getAll(name);
  if (values.length > 1) throw new HttpError(400, `${name} is given ${values.length} times`);
  const text = values[0] ?? "";
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 0 && value <= MAX_ATTEMPT_CURSOR)) throw new HttpError(400, `${name} must be a cursor from an earlier answer: an integer from 0 to ${MAX_ATTEMPT_CURSOR}`);
  return value;
}

/** A query parameter given at most once as a decimal integer in `[min, max]`, else a 400 that names it. */
export function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const values = url.searchParams.getAll(name);
  if (values.length === 0) return fallback;
  if (values.length > 1) throw new HttpError(400, `${name} is given ${values.length} times`);
  const text = values[0]!;
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) throw new HttpError(400, `${name} must be an integer from ${min} to ${max}`);
  return value;
}
