import type { IncomingMessage } from "node:http";
import type { DonorStanding, StatsExport, StatsPage } from "@shoal/protocol";
import { parseDonorRequest } from "@shoal/protocol";
import { hashSecret } from "../../volunteers/sessionSecret.ts";
import { HttpError } from "../HttpError.ts";
import type { HttpDeps } from "../HttpDeps.ts";
import { RateLimiter } from "../RateLimiter.ts";
import { readJsonBody } from "../readJsonBody.ts";
import { sendJson } from "../respond.ts";
import type { Router } from "../Router.ts";
import { EXPORT_PAGE_LIMIT, hourEnd, parseStatsQuery, STATS_PAGE_LIMIT, windowStart } from "./statsQuery.ts";

/** Paths under `/api` that answer without an author token. */
export const PUBLIC_CREDIT_PATHS: ReadonlySet<string> = new Set(["/api/stats", "/api/stats/export", "/api/donor"]);

/** How long one board page is served from memory: the live board refreshes at this pace at most. */
const STATS_CACHE_MS = 2_000;
const STATS_CACHE_ENTRIES = 256;
const DONOR_BODY_BYTES = 1024;

/**
 * The public credit API: `GET /api/stats` (one cached page of a board), `GET /api/stats/export`
 * (a board as of the end of a past hour, immutable), and `POST /api/donor` (a donor's own
 * standing, and its public name and team, proven by its key). Rate-limited per address.
 */
export function creditRoutes(router: Router, deps: HttpDeps): void {
  // Read at request time: registering the routes (the OpenAPI test lists them) touches no dependency.
  const ledger = () => deps.store.credit;
  const cache = new Map<string, { at: number; page: StatsPage }>();
  const limiter = new RateLimiter(deps.publicRequestsPerSecond, 1_000);
  const limit = (req: IncomingMessage) => {
    if (!limiter.take(req.socket.remoteAddress ?? "?", Date.now())) throw new HttpError(429, "too many requests; try again in a second", { headers: { "Retry-After": "1" } });
  };

  router.add("GET", "/api/stats", ({ req, res, url }) => {
    const q = parseStatsQuery(url.searchParams, ["board", "window", "offset", "limit"], STATS_PAGE_LIMIT);
    const key = `${q.board}/${q.window}/${q.offset}/${q.limit}`;
    const now = Date.now();
    let hit = cache.get(key);
    if (!hit || now - hit.at >= STATS_CACHE_MS) {
      limit(req);
      const since = windowStart(q.window, now);
      const page = ledger().board(q.board, since === undefined ? {} : { since }, q.limit, q.offset);
      hit = { at: now, page: { board: q.board, window: q.window, offset: q.offset, ...page, asOf: new Date(now).toISOString() } };
      cache.delete(key);
      cache.set(key, hit);
      if (cache.size > STATS_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    }
    sendJson(res, 200, hit.page, { "Cache-Control": `public, max-age=${STATS_CACHE_MS / 1000}` });
  });

  router.add("GET", "/api/stats/export", ({ req, res, url }) => {
    const q = parseStatsQuery(url.searchParams, ["hour", "board", "offset", "limit"], EXPORT_PAGE_LIMIT);
    const until = hourEnd(q.hour, Date.now());
    limit(req);
    const page = ledger().board(q.board, { until }, q.limit, q.offset);
    const body: StatsExport = { hour: q.hour as string, until, board: q.board, offset: q.offset, ...page };
    sendJson(res, 200, body, { "Cache-Control": "public, max-age=31536000, immutable" });
  });

  router.add("POST", "/api/donor", async ({ req, res }) => {
    limit(req);
    const parsed = parseDonorRequest(await readJsonBody(req, DONOR_BODY_BYTES));
    if (typeof parsed === "string") throw new HttpError(400, parsed);
    const { key, profile } = parsed;
    const donor = hashSecret(key);
    if (profile !== undefined) {
      if (!ledger().knows(donor)) throw new HttpError(404, "this donor key has not donated yet: start donating, then choose a name");
      deps.store.transaction(() => ledger().setProfile(donor, profile, new Date().toISOString()));
    }
    const standing: DonorStanding = ledger().standing(donor);
    sendJson(res, 200, standing, { "Cache-Control": "no-store" });
  });
}
