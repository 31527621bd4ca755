import type { StatsBoard, StatsWindow } from "@shoal/protocol";
import { STATS_BOARDS, STATS_WINDOWS } from "@shoal/protocol";
import { HttpError } from "../HttpError.ts";

/** Rows one page of `GET /api/stats` may hold, and of the export. */
export const STATS_PAGE_LIMIT = 100;
export const EXPORT_PAGE_LIMIT = 1000;
/** Deepest offset served: past it a board is better mirrored from the export. */
export const STATS_MAX_OFFSET = 1_000_000;

/** The checked query of a stats request. */
export interface StatsQuery {
  board: StatsBoard;
  window: StatsWindow;
  offset: number;
  limit: number;
  hour?: string;
}

/**
 * Reads `board`, `window`, `offset`, `limit` (and `hour` when `allowed` has it) from the query:
 * anything else, a name given twice, or a value out of range is a 400 that says what is allowed.
 */
export function parseStatsQuery(params: URLSearchParams, allowed: readonly string[], maxLimit: number): StatsQuery {
  for (const name of new Set(params.keys())) {
    if (!allowed.includes(name)) throw new HttpError(400, `unknown query parameter ${JSON.stringify(name.slice(0, 40))}; expected ${allowed.join(", ")}`);
    if (params.getAll(name).length > 1) throw new HttpError(400, `query parameter ${name} given more than once`);
  }
  const board = params.get("board") ?? "donors";
  if (!STATS_BOARDS.includes(board as StatsBoard)) throw new HttpError(400, `board must be one of ${STATS_BOARDS.join(", ")}`);
  const window = params.get("window") ?? "all";
  if (!STATS_WINDOWS.includes(window as StatsWindow)) throw new HttpError(400, `window must be one of ${STATS_WINDOWS.join(", ")}`);
  const query: StatsQuery = {
    board: board as StatsBoard,
    window: window as StatsWindow,
    offset: integer(params.get("offset"), "offset", 0, STATS_MAX_OFFSET, 0),
    limit: integer(params.get("limit"), "limit", 1, maxLimit, Math.min(50, maxLimit)),
  };
  const hour = params.get("hour");
  if (hour !== null) query.hour = hour;
  return query;
}

function integer(text: string | null, name: string, min: number, max: number, fallback: number): number {
  if (text === null) return fallback;
  if (!/^\d{1,7}$/.test(text) || Number(text) < min || Number(text) > max) throw new HttpError(400, `${name} must be a whole number from ${min} to ${max}`);
  return Number(text);
}

/** Start of the window ending at `now` (ISO time), or undefined for all time. */
export function windowStart(window: StatsWindow, now: number): string | undefined {
  if (window === "all") return undefined;
  return new Date(now - (window === "24h" ? 24 : 7 * 24) * 3_600_000).toISOString();
}

/**
 * The end (ISO time, exclusive) of an hour written `YYYY-MM-DDTHH` (UTC), or a 400 for anything
 * else; a 409 while that hour has not ended, since its totals may still change.
 */
export function hourEnd(hour: string | undefined, now: number): string {
  if (hour === undefined) throw new HttpError(400, "hour is required, as YYYY-MM-DDTHH (UTC)");
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/.exec(hour);
  const start = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4])) : Number.NaN;
  if (!match || Number.isNaN(start) || new Date(start).toISOString().slice(0, 13) !== hour) throw new HttpError(400, "hour must be YYYY-MM-DDTHH (UTC), a real hour");
  const end = start + 3_600_000;
  if (end > now) throw new HttpError(409, `hour ${hour} has not ended yet; its totals are final from ${new Date(end).toISOString()}`);
  return new Date(end).toISOString();
}
