import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { isAuthorized } from "../auth/authorTokens.ts";
import type { Logger } from "../Logger.ts";
import { HttpError } from "./HttpError.ts";
import type { HttpDeps } from "./HttpDeps.ts";
import { sendJson } from "./respond.ts";
import { Router } from "./Router.ts";
import { BASE_HEADERS } from "./securityHeaders.ts";
import { creditRoutes, PUBLIC_CREDIT_PATHS } from "./routes/creditRoutes.ts";
import { datasetRoutes } from "./routes/datasetRoutes.ts";
import { graphRoutes } from "./routes/graphRoutes.ts";
import { jobRoutes } from "./routes/jobRoutes.ts";
import { shardRoutes } from "./routes/shardRoutes.ts";
import { PUBLIC_API_PATHS, systemRoutes } from "./routes/systemRoutes.ts";
import { taskRoutes } from "./routes/taskRoutes.ts";
import { serveStatic } from "./serveStatic.ts";

/** Another handler mounted on the same server (the PeerJS signalling routes); true when it took the request. */
export type Mount = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

/**
 * The coordinator's HTTP API: bearer-token auth on every `/api/*` route but the OpenAPI document, JSON errors
 * `{error, line?}` with a fitting status, shards and health open to all, and the web app
 * (or a page saying the coordinator is up) everywhere else. Every response says `nosniff` and
 * sends no Referer; HEAD answers wherever GET does.
 */
export function createRequestHandler(deps: HttpDeps, mounts: Mount[] = []): RequestListener {
  const router = apiRouter(deps);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://coordinator");
    const path = url.pathname;
    for (const [name, value] of Object.entries(BASE_HEADERS)) res.setHeader(name, value);
    if (mounts.some((mount) => mount(req, res, path))) return;
    const api = path === "/api" || path.startsWith("/api/");
    if (api && !PUBLIC_API_PATHS.has(path) && !PUBLIC_CREDIT_PATHS.has(path) && !isAuthorized(deps.store, req.headers.authorization)) {
      throw new HttpError(401, "missing or wrong bearer token (Authorization: Bearer <token>)", { headers: { "WWW-Authenticate": "Bearer" } });
    }
    const match = router.match(req.method ?? "GET", path);
    if (match && "handler" in match) return match.handler({ req, res, url, params: match.params });
    if (match) throw new HttpError(405, `${req.method} is not allowed on ${path}`, { headers: { Allow: match.allowed.join(", ") } });
    if (!api && serveStatic(deps.webDist, req, res, path)) return;
    throw new HttpError(404, `no route for ${req.method} ${path}`);
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => fail(req, res, error, deps.logger));
  };
}

/** Every route of the API, shards, health and metrics; the OpenAPI document must describe each. */
export function apiRouter(deps: HttpDeps): Router {
  const router = new Router();
  systemRoutes(router, deps);
  shardRoutes(router, deps);
  datasetRoutes(router, deps);
  jobRoutes(router, deps);
  graphRoutes(router, deps);
  taskRoutes(router, deps);
  creditRoutes(router, deps);
  return router;
}

function fail(req: IncomingMessage, res: ServerResponse, error: unknown, logger: Logger): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const known = error instanceof HttpError ? error : error instanceof URIError ? new HttpError(400, "bad percent-encoding in the path") : undefined;
  if (!known) logger.error(`${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const status = known?.status ?? 500;
  const body = known ? (known.line === undefined ? { error: known.message } : { error: known.message, line: known.line }) : { error: "internal error" };
  const headers = { ...(known?.headers ?? {}), ...(req.complete ? {} : { Connection: "close" }) };
  sendJson(res, status, body, headers);
}
