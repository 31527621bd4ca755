import { useState } from "react";
import type { StatsBoard, StatsWindow } from "@shoal/protocol";
import { STATS_BOARDS, STATS_WINDOWS } from "@shoal/protocol";
import { formatCredit } from "../credit/creditApi.ts";
import { useStats } from "./useStats.ts";

const PAGE = 50;
const BOARD_TEXT: Record<StatsBoard, string> = { donors: "Donors", teams: "Teams", sites: "Sites" };
const WINDOW_TEXT: Record<StatsWindow, string> = { "24h": "Last 24 hours", "7d": "Last 7 days", all: "All time" };

/**
 * The public leaderboard: donors, teams and embedding sites by credit over a window, refreshed
 * live. Names are untrusted text from donors and sites, rendered as text nodes only.
 */
export function LeaderboardPage() {
  const [board, setBoard] = useState<StatsBoard>("donors");
  const [period, setPeriod] = useState<StatsWindow>("7d");
  const [offset, setOffset] = useState(0);
  const { page, error } = useStats(board, period, offset, PAGE);

  return (
    <main className="donor leaderboard">
      <header>
        <h1>Shoal leaderboard</h1>
        <p className="lead">
          Credit for confirmed work, by task size. <a href="/">Donate your CPU</a>
        </p>
      </header>
      <nav className="tabs" aria-label="Board">
        {STATS_BOARDS.map((b) => (
          <button type="button" key={b} className={b === board ? "tab active" : "tab"} aria-pressed={b === board} onClick={() => {
              setBoard(b);
              setOffset(0);
            }} data-testid={`board-${b}`}>
            {BOARD_TEXT[b]}
          </button>
        ))}
      </nav>
      <nav className="tabs" aria-label="Period">
        {STATS_WINDOWS.map((w) => (
          <button type="button" key={w} className={w === period ? "tab active" : "tab"} aria-pressed={w === period} onClick={() => {
              setPeriod(w);
              setOffset(0);
            }} data-testid={`window-${w}`}>
            {WINDOW_TEXT[w]}
          </button>
        ))}
      </nav>
      {error && <p className="error">{error}</p>}
      <table className="board" data-testid="board">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{BOARD_TEXT[board].slice(0, -1)}</th>
            <th scope="col" className="num">
              Credit
            </th>
            <th scope="col" className="num">
              Results
            </th>
          </tr>
        </thead>
        <tbody>
          {page?.rows.map((row) => (
            <tr key={row.id}>
              <td>{row.rank}</td>
              <td className={row.name === undefined ? "name anonymous" : "name"}>{row.name ?? `anonymous ${row.id.slice(0, 6)}`}</td>
              <td className="num">{formatCredit(row.credit)}</td>
              <td className="num">{formatCredit(row.results)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page && page.rows.length === 0 && <p className="note">No credit in this period yet.</p>}
      {page && page.total > PAGE && (
        <p className="pager">
          <button type="button" className="tab" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(page.total, offset + PAGE)} of {page.total}
          </span>
          <button type="button" className="tab" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
            Next
          </button>
        </p>
      )}
      <p className="note">
        Updated every few seconds{page ? ` · as of ${new Date(page.asOf).toLocaleTimeString()}` : ""}. Hourly totals for mirrors: <code>/api/stats/export?hour=YYYY-MM-DDTHH</code>.
      </p>
    </main>
  );
}
