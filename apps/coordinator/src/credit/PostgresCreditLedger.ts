import type { DonorStanding, PeerId, StatsBoard } from "@shoal/protocol";
import type { SyncPostgres } from "../store/postgres/SyncPostgres.ts";
import type { BoardPage, CreditEntry, CreditLedger, CreditWindow, DonorProfile, PeerBinding } from "./CreditLedger.ts";
import { BOARDS, present, toStatsRow, windowRange } from "./ledgerRows.ts";
import type { BoardRowSql } from "./ledgerRows.ts";
import { publicDonorId } from "./publicDonorId.ts";

/** Tables of the ledger in PostgreSQL, as in SQLite; ids, teams, sites and times compare in byte order. */
export const POSTGRES_CREDIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS donors (
  hash       TEXT PRIMARY KEY,
  public_id  TEXT COLLATE "C" NOT NULL UNIQUE,
  name       TEXT,
  team       TEXT,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS peer_donors (
  peer_id TEXT PRIMARY KEY,
  donor   TEXT,
  site    TEXT
);
CREATE TABLE IF NOT EXISTS credit (
  job_id  TEXT NOT NULL,
  task_id TEXT NOT NULL,
  account TEXT NOT NULL,
  donor   TEXT,
  team    TEXT COLLATE "C",
  site    TEXT COLLATE "C",
  units   BIGINT NOT NULL,
  at      TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (job_id, task_id, account)
);
CREATE INDEX IF NOT EXISTS peer_donors_by_donor ON peer_donors (donor);
CREATE INDEX IF NOT EXISTS credit_by_at ON credit (at);
CREATE INDEX IF NOT EXISTS credit_by_donor ON credit (donor, at);
`;

/** The {@link CreditLedger} in the PostgreSQL store's database, on its connection and so inside its transactions. */
export class PostgresCreditLedger implements CreditLedger {
  readonly #db: SyncPostgres;

  /** Uses the store's connection; the store creates {@link POSTGRES_CREDIT_SCHEMA}. */
  constructor(db: SyncPostgres) {
    this.#db = db;
  }

  bindPeer(peerId: PeerId, binding: PeerBinding, _at: string): void {
    this.#db.query(
      "INSERT INTO peer_donors (peer_id, donor, site) VALUES ($1, $2, $3) ON CONFLICT (peer_id) DO UPDATE SET donor = excluded.donor, site = excluded.site",
      [peerId, binding.donor ?? null, binding.site ?? null],
    );
  }

  peerBinding(peerId: PeerId): PeerBinding | undefined {
    const row = this.#db.query<{ donor: string | null; site: string | null }>("SELECT donor, site FROM peer_donors WHERE peer_id = $1", [peerId]).rows[0];
    return row && present({ donor: row.donor, site: row.site });
  }

  knows(donor: string): boolean {
    const sql = "SELECT EXISTS (SELECT 1 FROM donors WHERE hash = $1) OR EXISTS (SELECT 1 FROM peer_donors WHERE donor = $1) AS known";
    return this.#db.query<{ known: boolean }>(sql, [donor]).rows[0]?.known === true;
  }

  pruneBindings(): void {
    this.#db.query("DELETE FROM peer_donors WHERE peer_id NOT IN (SELECT id FROM peers)");
  }

  setProfile(donor: string, profile: DonorProfile, at: string): void {
    this.#db.query(
      "INSERT INTO donors (hash, public_id, name, team, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hash) DO UPDATE SET name = excluded.name, team = excluded.team, updated_at = excluded.updated_at",
      [donor, publicDonorId(donor), profile.name ?? null, profile.team ?? null, at],
    );
  }

  profile(donor: string): DonorProfile | undefined {
    const row = this.#db.query<{ name: string | null; team: string | null }>("SELECT name, team FROM donors WHERE hash = $1", [donor]).rows[0];
    return row && present({ name: row.name, team: row.team });
  }

  /** All entries in one round trip to the database's thread: a donor row where needed, then the credit row. */
  record(entries: readonly CreditEntry[]): number {
    const statements = entries.flatMap((e) => [
      ...(e.donor === undefined ? [] : [{ text: "INSERT INTO donors (hash, public_id, updated_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", params: [e.donor, publicDonorId(e.donor), e.at] }]),
      {
        text: "INSERT INTO credit (job_id, task_id, account, donor, team, site, units, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING 1",
        params: [e.jobId, e.taskId, e.account, e.donor ?? null, e.team ?? null, e.site ?? null, e.units, e.at],
      },
    ]);
    return this.#db.batch(statements).reduce((added, r, i) => (statements[i]!.text.startsWith("INSERT INTO credit") ? added + r.rowCount : added), 0);
  }

  board(board: StatsBoard, window: CreditWindow, limit: number, offset: number): BoardPage {
    const { key, select, join } = BOARDS[board];
    const where = `WHERE ${key} IS NOT NULL AND c.at >= $1 AND c.at < $2`;
    const range = windowRange(window);
    const [count, page] = this.#db.batch([
      { text: `SELECT count(DISTINCT ${key}) AS n FROM credit c ${where}`, params: range },
      {
        text: `SELECT ${select}, sum(c.units) AS credit, count(*) AS results, rank() OVER (ORDER BY sum(c.units) DESC) AS rank FROM credit c ${join} ${where} GROUP BY ${key}, id, name ORDER BY credit DESC, id LIMIT $3 OFFSET $4`,
        params: [...range, limit, offset],
      },
    ]);
    return { total: (count!.rows[0] as { n: number }).n, rows: (page!.rows as unknown as BoardRowSql[]).map(toStatsRow) };
  }

  standing(donor: string): DonorStanding {
    const total = this.#db.query<{ credit: number; results: number }>("SELECT coalesce(sum(units), 0) AS credit, count(*) AS results FROM credit WHERE donor = $1", [donor]);
    const { credit, results } = total.rows[0]!;
    const standing: DonorStanding = { ...this.profile(donor), credit, results };
    if (credit > 0) {
      const sql = "SELECT count(*) AS n FROM (SELECT donor FROM credit WHERE donor IS NOT NULL GROUP BY donor HAVING sum(units) > $1) ahead";
      standing.rank = this.#db.query<{ n: number }>(sql, [credit]).rows[0]!.n + 1;
    }
    return standing;
  }

  count(): number {
    return this.#db.query<{ n: number }>("SELECT count(*) AS n FROM credit").rows[0]!.n;
  }
}
