import type Database from "better-sqlite3";
import type { DonorStanding, PeerId, StatsBoard } from "@shoal/protocol";
import type { BoardPage, CreditEntry, CreditLedger, CreditWindow, DonorProfile, PeerBinding } from "./CreditLedger.ts";
import { BOARDS, present, toStatsRow, windowRange } from "./ledgerRows.ts";
import type { BoardRowSql } from "./ledgerRows.ts";
import { publicDonorId } from "./publicDonorId.ts";

/** Tables of the ledger; created beside the store's own, and unknown to older coordinators, which ignore them. */
export const CREDIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS donors (
  hash       TEXT PRIMARY KEY,
  public_id  TEXT NOT NULL UNIQUE,
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
  team    TEXT,
  site    TEXT,
  units   INTEGER NOT NULL,
  at      TEXT NOT NULL,
  PRIMARY KEY (job_id, task_id, account)
);
CREATE INDEX IF NOT EXISTS peer_donors_by_donor ON peer_donors (donor);
CREATE INDEX IF NOT EXISTS credit_by_at ON credit (at);
CREATE INDEX IF NOT EXISTS credit_by_donor ON credit (donor, at);
`;

/** The {@link CreditLedger} in the SQLite store's database, inside its transactions. */
export class SqliteCreditLedger implements CreditLedger {
  readonly #db: Database.Database;
  readonly #q;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(CREDIT_SCHEMA);
    this.#q = {
      ensureDonor: db.prepare("INSERT OR IGNORE INTO donors (hash, public_id, updated_at) VALUES (?, ?, ?)"),
      bindPeer: db.prepare("INSERT OR REPLACE INTO peer_donors (peer_id, donor, site) VALUES (?, ?, ?)"),
      peerBinding: db.prepare("SELECT donor, site FROM peer_donors WHERE peer_id = ?"),
      knows: db.prepare("SELECT EXISTS (SELECT 1 FROM donors WHERE hash = @d) OR EXISTS (SELECT 1 FROM peer_donors WHERE donor = @d) AS known"),
      pruneBindings: db.prepare("DELETE FROM peer_donors WHERE peer_id NOT IN (SELECT id FROM peers)"),
      setProfile: db.prepare(
        "INSERT INTO donors (hash, public_id, name, team, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO UPDATE SET name = excluded.name, team = excluded.team, updated_at = excluded.updated_at",
      ),
      profile: db.prepare("SELECT name, team FROM donors WHERE hash = ?"),
      record: db.prepare("INSERT OR IGNORE INTO credit (job_id, task_id, account, donor, team, site, units, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
      donorTotal: db.prepare("SELECT coalesce(sum(units), 0) AS credit, count(*) AS results FROM credit WHERE donor = ?"),
      ahead: db.prepare("SELECT count(*) AS n FROM (SELECT donor FROM credit WHERE donor IS NOT NULL GROUP BY donor HAVING sum(units) > ?)"),
      count: db.prepare("SELECT count(*) AS n FROM credit"),
    };
  }

  bindPeer(peerId: PeerId, binding: PeerBinding, _at: string): void {
    this.#q.bindPeer.run(peerId, binding.donor ?? null, binding.site ?? null);
  }

  peerBinding(peerId: PeerId): PeerBinding | undefined {
    const row = this.#q.peerBinding.get(peerId) as { donor: string | null; site: string | null } | undefined;
    return row && present({ donor: row.donor, site: row.site });
  }

  knows(donor: string): boolean {
    return (this.#q.knows.get({ d: donor }) as { known: number }).known === 1;
  }

  pruneBindings(): void {
    this.#q.pruneBindings.run();
  }

  setProfile(donor: string, profile: DonorProfile, at: string): void {
    this.#q.setProfile.run(donor, publicDonorId(donor), profile.name ?? null, profile.team ?? null, at);
  }

  profile(donor: string): DonorProfile | undefined {
    const row = this.#q.profile.get(donor) as { name: string | null; team: string | null } | undefined;
    return row && present({ name: row.name, team: row.team });
  }

  record(entries: readonly CreditEntry[]): number {
    let added = 0;
    for (const e of entries) {
      if (e.donor !== undefined) this.#q.ensureDonor.run(e.donor, publicDonorId(e.donor), e.at);
      added += this.#q.record.run(e.jobId, e.taskId, e.account, e.donor ?? null, e.team ?? null, e.site ?? null, e.units, e.at).changes;
    }
    return added;
  }

  board(board: StatsBoard, window: CreditWindow, limit: number, offset: number): BoardPage {
    const { key, select, join } = BOARDS[board];
    const where = `WHERE ${key} IS NOT NULL AND c.at >= ? AND c.at < ?`;
    const range = windowRange(window);
    const total = (this.#db.prepare(`SELECT count(DISTINCT ${key}) AS n FROM credit c ${where}`).get(...range) as { n: number }).n;
    const rows = this.#db
      .prepare(
        `SELECT ${select}, sum(c.units) AS credit, count(*) AS results, rank() OVER (ORDER BY sum(c.units) DESC) AS rank FROM credit c ${join} ${where} GROUP BY ${key} ORDER BY credit DESC, id LIMIT ? OFFSET ?`,
      )
      .all(...range, limit, offset) as BoardRowSql[];
    return { total, rows: rows.map(toStatsRow) };
  }

  standing(donor: string): DonorStanding {
    const { credit, results } = this.#q.donorTotal.get(donor) as { credit: number; results: number };
    const standing: DonorStanding = { ...this.profile(donor), credit, results };
    if (credit > 0) standing.rank = (this.#q.ahead.get(credit) as { n: number }).n + 1;
    return standing;
  }

  count(): number {
    return (this.#q.count.get() as { n: number }).n;
  }
}
