import { LIMITS } from "@shoal/protocol";
import { MAX_GRAPH_TASKS, parseGraphRequest } from "../../authors/parseGraphRequest.ts";
import type { HttpDeps } from "../HttpDeps.ts";
import { readJsonBody } from "../readJsonBody.ts";
import { sendJson } from "../respond.ts";
import type { Router } from "../Router.ts";
import { answer } from "./jobRoutes.ts";

/** Largest graph request body: the script limit plus about 640 bytes for each of the most tasks a graph may hold. */
const GRAPH_BODY_BYTES = LIMITS.scriptBytes * 2 + MAX_GRAPH_TASKS * 640;

/** `POST /api/graphs`: submits a general task graph; the job is then read, watched and cancelled under `/api/jobs`. */
export function graphRoutes(router: Router, deps: HttpDeps): void {
  router.add("POST", "/api/graphs", async ({ req, res }) => {
    const body = await readJsonBody(req, GRAPH_BODY_BYTES);
    const view = await answer(() => deps.jobs.submitGraph(parseGraphRequest(body)));
    deps.logger.info(`graph job ${view.id} submitted: ${view.tasks.total} tasks over dataset ${view.dataset}`);
    sendJson(res, 201, view);
  });
}
