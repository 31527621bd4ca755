import type { StatsBoard, StatsRow } from "@shoal/protocol";
import type { CreditWindow } from "./CreditLedger.ts";

/**
 * What the SQL credit ledgers (SQLite and PostgreSQL) share: how a board groups and names its
 * rows, the window's bounds and the row mappers. Each ledger keeps only its dialect.
 */

/** The ledger's SQL per board: the grouping column and how a row is named. */
export const BOARDS: Record<StatsBoard, { key: string; select: string; join: string }> = {
  donors: { key: "c.donor", select: "d.public_id AS id, d.name AS name", join: "JOIN donors d ON d.hash = c.donor" },
  teams: { key: "c.team", select: "c.team AS id, c.team AS name", join: "" },
  sites: { key: "c.site", select: "c.site AS id, c.site AS name", join: "" },
};

/** The window's bounds as the `at` column compares them (ISO times sort as text); an open end is far away. */
export function windowRange(window: CreditWindow): [string, string] {
  return [window.since ?? "0000", window.until ?? "9999"];
}

/** A board row as both databases return it. */
export interface BoardRowSql {
  id: string;
  name: string | null;
  credit: number;
  results: number;
  rank: number;
}

/** A board row as the API's: a missing name is left out. */
export function toStatsRow(row: BoardRowSql): StatsRow {
  const out: StatsRow = { rank: row.rank, id: row.id, credit: row.credit, results: row.results };
  if (row.name !== null) out.name = row.name;
  return out;
}

/** The object without its null fields. */
export function present<T extends Record<string, string | null>>(row: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as { [K in keyof T]?: string };
}
