import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { pageHeaders } from "./securityHeaders.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".map": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

const UP_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shoal coordinator</title></head>
<body><h1>Shoal coordinator is up</h1>
<p>The web app is not built (no apps/web/dist). The API lives under <code>/api</code>, health at <a href="/healthz">/healthz</a>, metrics at <a href="/metrics">/metrics</a>.</p>
</body></html>
`;

/**
 * Serves the built web app from `dir` (paths without a file fall back to the page owning the
 * client route: dashboard.html under `/dashboard`, leaderboard.html at `/leaderboard`, index.html elsewhere), or a page saying the
 * coordinator is up when there is no build. Each page carries its own Content-Security-Policy.
 * False when nothing fits.
 */
export function serveStatic(dir: string, req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (!existsSync(join(dir, "index.html"))) {
    if (path !== "/") return false;
    res.writeHead(200, { ...pageHeaders("index.html"), "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(UP_PAGE) });
    res.end(req.method === "HEAD" ? undefined : UP_PAGE);
    return true;
  }
  const file = resolveFile(dir, path);
  if (!file) return false;
  const type = TYPES[extname(file)] ?? "application/octet-stream";
  const immutable = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    ...pageHeaders(file),
    "Content-Type": type,
    "Content-Length": statSync(file).size,
    "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
  });
  if (req.method === "HEAD") res.end();
  else createReadStream(file).pipe(res);
  return true;
}

function resolveFile(dir: string, path: string): string | undefined {
  const root = normalize(dir + sep);
  const candidate = normalize(join(root, path));
  if (!candidate.startsWith(root)) return undefined;
  if (isFile(candidate)) return candidate;
  if (isFile(join(candidate, "index.html"))) return join(candidate, "index.html");
  if (extname(path) !== "") return undefined;
  const dashboard = join(root, "dashboard.html");
  if ((path === "/dashboard" || path.startsWith("/dashboard/")) && isFile(dashboard)) return dashboard;
  const leaderboard = join(root, "leaderboard.html");
  if (path === "/leaderboard" && isFile(leaderboard)) return leaderboard;
  return join(root, "index.html");
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
