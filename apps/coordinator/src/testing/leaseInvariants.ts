import type { SyncPostgres } from "../store/postgres/SyncPostgres.ts";

/** What the lease tables say after a run: each count should be 0 (the accepted total is for the caller to compare). */
export interface LeaseInvariants {
  /** Accepted results in all. */
  accepted: number;
  /** Task attempts accepted more than once (the table's key forbids it; counted anyway). */
  duplicates: number;
  /** Accepted results under an epoch their node never held. */
  foreignEpoch: number;
  /** Accepted results under an epoch, at or after the next epoch's takeover: under a stale epoch. */
  stale: number;
}

/** Checks the SQL invariants of exactly-once acceptance across coordinators on one database. */
export function leaseInvariants(db: SyncPostgres): LeaseInvariants {
  const n = (sql: string) => Number(db.query<{ n: number }>(sql).rows[0]!.n);
  return {
    accepted: n("SELECT count(*) AS n FROM accepted_results"),
    duplicates: n("SELECT count(*) AS n FROM (SELECT 1 FROM accepted_results GROUP BY job_id, task_id, attempt HAVING count(*) > 1) d"),
    foreignEpoch: n(
      "SELECT count(*) AS n FROM accepted_results r WHERE NOT EXISTS (SELECT 1 FROM job_lease_history h WHERE h.job_id = r.job_id AND h.epoch = r.epoch AND h.owner = r.node)",
    ),
    stale: n("SELECT count(*) AS n FROM accepted_results r JOIN job_lease_history h ON h.job_id = r.job_id AND h.epoch = r.epoch + 1 WHERE r.accepted_at >= h.taken_at"),
  };
}
