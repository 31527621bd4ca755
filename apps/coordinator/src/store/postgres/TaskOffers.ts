import type { JobId } from "@shoal/protocol";
import type { SyncPostgres } from "./SyncPostgres.ts";

/** The channel an owner announces new offers on (payload empty): nodes with idle volunteers claim. */
export const OFFERS_CHANNEL = "shoal_task_offers";

/** The channel a claimant announces forwarded results on; its payload is the owner node that should read them. */
export const RESULTS_CHANNEL = "shoal_remote_results";

/** The channel a node with idle volunteers that found too few offers asks on; its payload is `node:count` (see {@link TaskOffers.demand}). */
export const DEMAND_CHANNEL = "shoal_task_demand";

/** One task attempt, keyed as the tables key it. */
export interface AttemptKey {
  jobId: JobId;
  taskId: string;
  attempt: number;
}

/** What an owner offers: an attempt it leased to its pool peer, with the wire assignment a claimant's volunteer runs. */
export interface NewOffer extends AttemptKey {
  epoch: number;
  shard: string | undefined;
  engine: string;
  /** The `assign` message's assignment, as JSON text. */
  assignment: string;
}

/** An offer row as a claimant got it: nothing in it is believed until checked (`RemoteFeeder`). */
export interface ClaimedRowSql {
  job_id: unknown;
  task_id: unknown;
  attempt: unknown;
  owner: unknown;
  epoch: unknown;
  shard: unknown;
  assignment: unknown;
}

/** A remote result row as its owner took it, with the offer it answers (NULLs when there is none): checked before it is believed (`OfferPublisher`). */
export interface RemoteResultRowSql {
  job_id: unknown;
  task_id: unknown;
  attempt: unknown;
  epoch: unknown;
  node: unknown;
  volunteer: unknown;
  outcome: unknown;
  offer_owner: unknown;
  offer_epoch: unknown;
  offer_claimant: unknown;
}

/** A result (or failure) a claimant forwards: the worker's own `task-result` or `task-failed` message, re-encoded. */
export interface ForwardedOutcome extends AttemptKey {
  epoch: number;
  volunteer: string;
  outcome: string;
}

const keys = (list: readonly AttemptKey[]) => [list.map((k) => k.jobId), list.map((k) => k.taskId), list.map((k) => k.attempt)];

/**
 * The SQL of cross-node feeding, for one coordinator process (`node`) on PostgreSQL. An owner
 * {@link publish}es the attempts it leased to its pool peer as rows of `task_offers`, written only
 * under a job lease it holds at the epoch named; a node with idle volunteers {@link claim}s a batch
 * with `FOR UPDATE SKIP LOCKED` (two claimers never get one offer, and neither waits for the
 * other), offers of its volunteers' shards first, only offers whose epoch is the job lease's now;
 * it {@link renew}s its claims while its volunteers run them, and {@link forward}s their outcomes
 * into `remote_results` (only for offers it holds, under their epoch; one row per attempt, so a
 * replay is a no-op). The owner {@link takeResults} and feeds them to its scheduler, and in each
 * {@link ownerRound} deletes the offers that died (lease closed, claim expired, offer unclaimed too
 * long, epoch not its own), so their attempts are released without spending a try.
 */
export class TaskOffers {
  readonly #db: SyncPostgres;
  readonly node: string;
  readonly #claimTtlMs: number;
  readonly #offerTtlMs: number;

  constructor(db: SyncPostgres, node: string, times: { claimTtlMs: number; offerTtlMs: number }) {
    this.#db = db;
    this.node = node;
    this.#claimTtlMs = times.claimTtlMs;
    this.#offerTtlMs = times.offerTtlMs;
  }

  /** Writes offers (only those of jobs leased to this node at the epoch they name) and announces them; returns how many were written. */
  publish(offers: readonly NewOffer[]): number {
    if (offers.length === 0) return 0;
    const sql = `
WITH input AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::text[], $8::text[]) AS u(job_id, task_id, attempt, epoch, shard, engine, assignment)
), written AS (
  INSERT INTO task_offers (job_id, task_id, attempt, owner, epoch, shard, engine, assignment)
  SELECT i.job_id, i.task_id, i.attempt, $1, i.epoch, i.shard, i.engine, i.assignment
  FROM input i JOIN job_leases l ON l.job_id = i.job_id AND l.epoch = i.epoch AND l.owner = $1
  ON CONFLICT DO NOTHING RETURNING job_id
)
SELECT count(*) AS n, pg_notify($9, '') FROM written HAVING count(*) > 0`;
    const [jobs, tasks, attempts] = keys(offers);
    const params = [this.node, jobs, tasks, attempts, offers.map((o) => o.epoch), offers.map((o) => o.shard ?? null), offers.map((o) => o.engine), offers.map((o) => o.assignment), OFFERS_CHANNEL];
    return this.#db.query<{ n: number }>(sql, params).rows[0]?.n ?? 0;
  }

  /** Tells the owners that this node has `count` volunteer slots idle, so they offer what they cannot place themselves. */
  demand(count: number): void {
    this.#db.query("SELECT pg_notify($1, $2)", [DEMAND_CHANNEL, `${this.node}:${count}`]);
  }

  /**
   * The owner's bookkeeping: deletes its offers whose attempt its pool peer no longer holds
   * (`leased`), unclaimed ones older than the offer TTL, claimed ones whose claim expired, and any
   * offer of a job it holds under another epoch or owner (a previous owner's, now dead). Returns
   * the attempts still offered, which the pool peer keeps; the rest it releases.
   */
  ownerRound(held: ReadonlyMap<JobId, number>, leased: readonly AttemptKey[]): AttemptKey[] {
    const sql = `
WITH gone AS (
  DELETE FROM task_offers o
  WHERE (o.owner = $1 AND (
      NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::text[], $4::int[]) AS k(j, t, a) WHERE k.j = o.job_id AND k.t = o.task_id AND k.a = o.attempt)
      OR (o.claimed_by IS NULL AND o.offered_at < clock_timestamp() - $5 * interval '1 millisecond')
      OR (o.claimed_by IS NOT NULL AND o.claim_expires < clock_timestamp())))
    OR (o.job_id = ANY($6::text[]) AND NOT EXISTS (SELECT 1 FROM unnest($6::text[], $7::bigint[]) AS h(j, e) WHERE h.j = o.job_id AND h.e = o.epoch AND o.owner = $1))
  RETURNING o.job_id, o.task_id, o.attempt
)
SELECT o.job_id, o.task_id, o.attempt FROM task_offers o
WHERE o.owner = $1 AND NOT EXISTS (SELECT 1 FROM gone g WHERE g.job_id = o.job_id AND g.task_id = o.task_id AND g.attempt = o.attempt)`;
    const [jobs, tasks, attempts] = keys(leased);
    const heldIds = [...held.keys()];
    const rows = this.#db.query<{ job_id: string; task_id: string; attempt: number }>(sql, [this.node, jobs, tasks, attempts, this.#offerTtlMs, heldIds, heldIds.map((id) => held.get(id))]).rows;
    return rows.map((row) => ({ jobId: row.job_id as JobId, taskId: row.task_id, attempt: row.attempt }));
  }

  /**
   * Claims up to `limit` offers of other nodes' jobs for this node's idle volunteers: only offers
   * under their job's current lease (owner and epoch, not lapsed), of an engine in `engines` (all
   * when undefined), those of shards in `shards` first, then the oldest; rows another claimer has
   * locked are skipped, never waited for. The rows are returned unchecked.
   */
  claim(limit: number, shards: readonly string[], engines: readonly string[] | undefined): ClaimedRowSql[] {
    if (limit <= 0) return [];
    const sql = `
WITH picked AS (
  SELECT o.job_id, o.task_id, o.attempt FROM task_offers o
  JOIN job_leases l ON l.job_id = o.job_id AND l.owner = o.owner AND l.epoch = o.epoch AND l.expires_at > now()
  WHERE o.claimed_by IS NULL AND o.owner <> $1 AND ($3::text[] IS NULL OR o.engine = ANY($3::text[]))
  ORDER BY (o.shard = ANY($4::text[])) IS TRUE DESC, o.seq
  LIMIT $2 FOR UPDATE OF o SKIP LOCKED
)
UPDATE task_offers o SET claimed_by = $1, claim_expires = clock_timestamp() + $5 * interval '1 millisecond'
FROM picked p WHERE o.job_id = p.job_id AND o.task_id = p.task_id AND o.attempt = p.attempt
RETURNING o.job_id, o.task_id, o.attempt, o.owner, o.epoch, o.shard, o.assignment`;
    return this.#db.query<ClaimedRowSql>(sql, [this.node, limit, engines ?? null, shards, this.#claimTtlMs]).rows;
  }

  /** Extends this node's claims on `claims`; returns those it still holds (an offer gone was ended by its owner: its volunteer should stop). */
  renew(claims: readonly AttemptKey[]): AttemptKey[] {
    if (claims.length === 0) return [];
    const sql = `
UPDATE task_offers o SET claim_expires = clock_timestamp() + $5 * interval '1 millisecond'
FROM unnest($2::text[], $3::text[], $4::int[]) AS k(j, t, a)
WHERE o.job_id = k.j AND o.task_id = k.t AND o.attempt = k.a AND o.claimed_by = $1
RETURNING o.job_id, o.task_id, o.attempt`;
    const rows = this.#db.query<{ job_id: string; task_id: string; attempt: number }>(sql, [this.node, ...keys(claims), this.#claimTtlMs]).rows;
    return rows.map((row) => ({ jobId: row.job_id as JobId, taskId: row.task_id, attempt: row.attempt }));
  }

  /** Gives claims back unrun (their volunteer left): the offers can be claimed again, by any node. */
  unclaim(claims: readonly AttemptKey[]): void {
    if (claims.length === 0) return;
    const sql = `
UPDATE task_offers o SET claimed_by = NULL, claim_expires = NULL
FROM unnest($2::text[], $3::text[], $4::int[]) AS k(j, t, a)
WHERE o.job_id = k.j AND o.task_id = k.t AND o.attempt = k.a AND o.claimed_by = $1`;
    this.#db.query(sql, [this.node, ...keys(claims)]);
  }

  /**
   * Writes this node's volunteers' outcomes for the offers it holds under the epoch they name while
   * that epoch is still the job lease's (anything else is dropped), one row per attempt (a second
   * is a no-op), and tells each owner concerned. Returns how many rows were written.
   */
  forward(outcomes: readonly ForwardedOutcome[]): number {
    if (outcomes.length === 0) return 0;
    const sql = `
WITH input AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::text[]) AS u(job_id, task_id, attempt, epoch, volunteer, outcome)
), written AS (
  INSERT INTO remote_results (job_id, task_id, attempt, epoch, node, volunteer, outcome)
  SELECT i.job_id, i.task_id, i.attempt, i.epoch, $1, i.volunteer, i.outcome FROM input i
  JOIN task_offers o ON o.job_id = i.job_id AND o.task_id = i.task_id AND o.attempt = i.attempt AND o.claimed_by = $1 AND o.epoch = i.epoch
  JOIN job_leases l ON l.job_id = o.job_id AND l.owner = o.owner AND l.epoch = o.epoch
  ON CONFLICT DO NOTHING RETURNING job_id, task_id, attempt
), owners AS (
  SELECT DISTINCT o.owner FROM written w JOIN task_offers o ON o.job_id = w.job_id AND o.task_id = w.task_id AND o.attempt = w.attempt
)
SELECT (SELECT count(*) FROM written) AS n, (SELECT count(pg_notify($8, owner)) FROM owners) AS told`;
    const [jobs, tasks, attempts] = keys(outcomes);
    const params = [this.node, jobs, tasks, attempts, outcomes.map((o) => o.epoch), outcomes.map((o) => o.volunteer), outcomes.map((o) => o.outcome), RESULTS_CHANNEL];
    return this.#db.query<{ n: number }>(sql, params).rows[0]?.n ?? 0;
  }

  /**
   * Takes (deletes and returns) up to `limit` remote result rows of the jobs in `jobs`, oldest
   * first, skipping rows another statement has locked, each with the offer it claims to answer
   * (NULL columns when there is none). The rows are returned unchecked.
   */
  takeResults(jobs: readonly JobId[], limit: number): RemoteResultRowSql[] {
    if (jobs.length === 0 || limit <= 0) return [];
    const sql = `
WITH picked AS (
  SELECT job_id, task_id, attempt FROM remote_results WHERE job_id = ANY($1::text[]) ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED
), gone AS (
  DELETE FROM remote_results r USING picked p WHERE r.job_id = p.job_id AND r.task_id = p.task_id AND r.attempt = p.attempt
  RETURNING r.job_id, r.task_id, r.attempt, r.epoch, r.node, r.volunteer, r.outcome
)
SELECT g.*, o.owner AS offer_owner, o.epoch AS offer_epoch, o.claimed_by AS offer_claimant
FROM gone g LEFT JOIN task_offers o ON o.job_id = g.job_id AND o.task_id = g.task_id AND o.attempt = g.attempt`;
    return this.#db.query<RemoteResultRowSql>(sql, [jobs, limit]).rows;
  }
}
