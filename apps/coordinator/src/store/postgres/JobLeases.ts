import type { JobId } from "@shoal/protocol";
import type { GuardedCommand } from "../../volunteers/DurableScheduler.ts";
import type { SyncPostgres } from "./SyncPostgres.ts";

/** How long a job lease lasts and how often its owner renews it. */
export interface LeaseTimes {
  /** A lease not renewed for this long may be taken over by another coordinator. Default 15 s. */
  ttlMs: number;
  /** How often the owner renews its leases and looks for lapsed ones to take over. Default a fifth of the TTL, so a few renewals may fail in a row. */
  renewMs: number;
}

/** Defaults of {@link LeaseTimes}. */
export const LEASE_TIMES: LeaseTimes = { ttlMs: 15_000, renewMs: 3_000 };

/** A job this process now owns, taken from `previous` (whose scheduler log holds its state) under `epoch`. */
export interface TakenJob {
  jobId: JobId;
  epoch: number;
  previous: string;
}

/** A group commit touched jobs this process no longer owns (or never did): it was rolled back whole. */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
  readonly jobs: JobId[];
  constructor(jobs: JobId[]) {
    super(`no longer the owner of job${jobs.length === 1 ? "" : "s"} ${jobs.join(", ")}: another coordinator took over`);
    this.jobs = jobs;
  }
}

/** Jobs taken over in one pass at most, so a coordinator that starts beside many orphans takes them a batch at a time. */
const TAKE_BATCH = 16;

/**
 * The job leases of one coordinator process (`node`) on PostgreSQL: each job is owned by one
 * process at a time under an epoch that every takeover raises. {@link check} runs inside every
 * group commit of the process's scheduler and fences it: the commit goes through only if every
 * job it touched is still leased to this node under the epoch it holds (the rows stay share-locked
 * to the end of the transaction, so no takeover can slip in between), and it records each accepted
 * result under that epoch, once per task attempt (the table's key). The database's clock decides
 * expiry, so the coordinators' clocks need not agree.
 */
export class JobLeases {
  readonly #db: SyncPostgres;
  readonly node: string;
  readonly #ttlMs: number;
  /** Epoch of each job this node believes it owns. */
  readonly #held = new Map<JobId, number>();

  constructor(db: SyncPostgres, node: string, ttlMs: number) {
    this.#db = db;
    this.node = node;
    this.#ttlMs = ttlMs;
  }

  /** Jobs this node holds, with their epochs. */
  held(): ReadonlyMap<JobId, number> {
    return this.#held;
  }

  /**
   * The fence, run inside a group commit (see `DurableScheduler.guard`): leases new jobs (epoch
   * 1), checks the epochs of the others, records accepted results. Throws {@link LeaseLostError}
   * (rolling the commit back) when any touched job is not this node's under the epoch it holds.
   */
  check(batch: readonly GuardedCommand[]): void {
    const submitted = batch.flatMap((g) => (g.command.type === "submit-job" ? [g.command.job.id] : []));
    if (submitted.length > 0) {
      const sql = `
WITH leased AS (
  INSERT INTO job_leases (job_id, owner, epoch, expires_at) SELECT unnest($1::text[]), $2, 1, now() + $3 * interval '1 millisecond' RETURNING job_id, taken_at
)
INSERT INTO job_lease_history (job_id, epoch, owner, taken_at) SELECT job_id, 1, $2, taken_at FROM leased`;
      this.#db.query(sql, [submitted, this.node, this.#ttlMs]);
      for (const id of submitted) this.#held.set(id, 1);
    }
    const touched = [...new Set(batch.flatMap((g) => g.jobs))];
    if (touched.length === 0) return;
    const unheld = touched.filter((id) => !this.#held.has(id));
    if (unheld.length > 0) throw new LeaseLostError(unheld);
    const epochs = touched.map((id) => this.#held.get(id) as number);
    const sql =
      "SELECT l.job_id FROM job_leases l JOIN unnest($1::text[], $2::bigint[]) AS h(job, epoch) ON l.job_id = h.job AND l.epoch = h.epoch WHERE l.owner = $3 FOR SHARE OF l";
    const owned = new Set(this.#db.query<{ job_id: string }>(sql, [touched, epochs, this.node]).rows.map((row) => row.job_id));
    const lost = touched.filter((id) => !owned.has(id));
    if (lost.length > 0) throw new LeaseLostError(lost);
    const accepted = batch.flatMap((g) => (g.accepted ? [g.accepted] : []));
    if (accepted.length > 0) {
      this.#db.query(
        "INSERT INTO accepted_results (job_id, task_id, attempt, epoch, node) SELECT j, t, a, e, $5 FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[]) AS u(j, t, a, e)",
        [accepted.map((r) => r.jobId), accepted.map((r) => r.taskId), accepted.map((r) => r.attempt), accepted.map((r) => this.#held.get(r.jobId)), this.node],
      );
    }
  }

  /** Extends every lease this node holds; returns the jobs whose lease it found gone (another node's now, at a higher epoch), which it forgets. */
  renew(): JobId[] {
    if (this.#held.size === 0) return [];
    const ids = [...this.#held.keys()];
    const sql =
      "UPDATE job_leases l SET expires_at = now() + $4 * interval '1 millisecond' FROM unnest($1::text[], $2::bigint[]) AS h(job, epoch) WHERE l.job_id = h.job AND l.epoch = h.epoch AND l.owner = $3 RETURNING l.job_id";
    const kept = new Set(this.#db.query<{ job_id: string }>(sql, [ids, ids.map((id) => this.#held.get(id)), this.node, this.#ttlMs]).rows.map((row) => row.job_id));
    const lost = ids.filter((id) => !kept.has(id));
    for (const id of lost) this.#held.delete(id);
    return lost;
  }

  /**
   * Takes over running jobs whose lease lapsed, in one statement per batch: owner and epoch+1 set
   * on rows locked with `SKIP LOCKED` (a row an owner is committing under is skipped, not waited
   * for), each takeover written to `job_lease_history`. The caller then rebuilds each job from
   * `previous`'s scheduler log.
   */
  takeOver(): TakenJob[] {
    const sql = `
WITH lapsed AS (
  SELECT l.job_id, l.owner FROM job_leases l JOIN jobs j ON j.id = l.job_id
  WHERE l.expires_at < now() AND j.status = 'running' AND l.owner <> $1
  ORDER BY l.expires_at LIMIT $3 FOR UPDATE OF l SKIP LOCKED
), taken AS (
  UPDATE job_leases l SET owner = $1, epoch = l.epoch + 1, expires_at = now() + $2 * interval '1 millisecond', taken_at = clock_timestamp()
  FROM lapsed WHERE l.job_id = lapsed.job_id
  RETURNING l.job_id, l.epoch, lapsed.owner AS previous, l.taken_at
)
INSERT INTO job_lease_history (job_id, epoch, owner, previous, taken_at) SELECT job_id, epoch, $1, previous, taken_at FROM taken
RETURNING job_id, epoch, previous`;
    const rows = this.#db.query<{ job_id: string; epoch: number; previous: string }>(sql, [this.node, this.#ttlMs, TAKE_BATCH]).rows;
    return rows.map((row) => {
      const epoch = Number(row.epoch);
      this.#held.set(row.job_id as JobId, epoch);
      return { jobId: row.job_id as JobId, epoch, previous: row.previous };
    });
  }

  /** Forgets a job this node let go of (it ended, or was dropped), once the commit that let go of it went through. */
  forget(id: JobId): void {
    this.#held.delete(id);
  }

  /**
   * Lets held leases lapse now (keeping their epochs), so another coordinator takes the jobs over
   * at once: all of them on a clean shutdown, or `ids` (a job this node failed to adopt).
   */
  release(ids: readonly JobId[] = [...this.#held.keys()]): void {
    const mine = ids.filter((id) => this.#held.has(id));
    if (mine.length === 0) return;
    for (const id of mine) this.#held.delete(id);
    this.#db.query("UPDATE job_leases SET expires_at = now() WHERE owner = $1 AND job_id = ANY($2::text[])", [this.node, mine]);
  }
}
