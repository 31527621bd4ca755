import type { HttpDeps } from "../HttpDeps.ts";
import { renderMetrics } from "../renderMetrics.ts";
import { sendJson } from "../respond.ts";
import type { Router } from "../Router.ts";

/** `/healthz`, `/metrics` (both open) and `/api/peers`. */
export function systemRoutes(router: Router, deps: HttpDeps): void {
  router.add("GET", "/healthz", ({ res }) => sendJson(res, 200, { ok: true }));

  router.add("GET", "/metrics", ({ res }) => {
    const text = renderMetrics(deps);
    res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  });

  router.add("GET", "/api/peers", ({ res }) => sendJson(res, 200, deps.grid.peers()));
}
