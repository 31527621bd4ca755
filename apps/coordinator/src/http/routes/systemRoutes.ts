import { createHash } from "node:crypto";
import type { HttpDeps } from "../HttpDeps.ts";
import { openApiDocument } from "../openApiDocument.ts";
import { renderMetrics } from "../renderMetrics.ts";
import { sendJson, sendJsonText } from "../respond.ts";
import type { Router } from "../Router.ts";

/** Paths under `/api/` that need no token. */
export const PUBLIC_API_PATHS: ReadonlySet<string> = new Set(["/api/openapi.json"]);

/** `/healthz`, `/metrics`, `/api/openapi.json` (all open) and `/api/peers`. */
export function systemRoutes(router: Router, deps: HttpDeps): void {
  const openApi = JSON.stringify(openApiDocument());
  const etag = `"${createHash("sha256").update(openApi).digest("hex").slice(0, 32)}"`;
  router.add("GET", "/api/openapi.json", ({ req, res }) => {
    const headers = { "Cache-Control": "public, max-age=3600", ETag: etag, "Access-Control-Allow-Origin": "*" };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    sendJsonText(res, 200, openApi, headers);
  });

  router.add("GET", "/healthz", ({ res }) => sendJson(res, 200, { ok: true }));

  router.add("GET", "/metrics", ({ res }) => {
    const text = renderMetrics(deps);
    res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  });

  router.add("GET", "/api/peers", ({ res }) => sendJson(res, 200, deps.grid.peers()));
}
