/** Which totals a leaderboard lists. */
export type StatsBoard = "donors" | "teams" | "sites";
/** Which accepted results count: the last 24 hours, the last 7 days, or all. */
export type StatsWindow = "24h" | "7d" | "all";

export const STATS_BOARDS: readonly StatsBoard[] = ["donors", "teams", "sites"];
export const STATS_WINDOWS: readonly StatsWindow[] = ["24h", "7d", "all"];

/** One line of a leaderboard: `credit` is in credit units (see docs/credit.md). */
export interface StatsRow {
  rank: number;
  /** Stable across renames: a donor's public id (never its key or key hash), a team's or site's name. */
  id: string;
  /** Absent for a donor who chose no name. */
  name?: string;
  credit: number;
  /** Accepted results behind the credit. */
  results: number;
}

/** One page of `GET /api/stats`. */
export interface StatsPage {
  board: StatsBoard;
  window: StatsWindow;
  /** Rows on every board, in this window. */
  total: number;
  offset: number;
  rows: StatsRow[];
  /** When these totals were computed (ISO time): the answer is cached briefly. */
  asOf: string;
}

/** A donor's own standing, as `POST /api/donor` answers it. */
export interface DonorStanding {
  name?: string;
  team?: string;
  /** All-time credit and rank among named donors (rank absent while the donor has no credit or no name). */
  credit: number;
  results: number;
  rank?: number;
}

/** `GET /api/stats/export?hour=`: every total as of the end of that hour, one page of each board. */
export interface StatsExport {
  hour: string;
  /** End of the hour (exclusive), ISO time: only results accepted before it count. */
  until: string;
  board: StatsBoard;
  offset: number;
  total: number;
  rows: StatsRow[];
}
