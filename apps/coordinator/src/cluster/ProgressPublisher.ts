import type { JobId } from "@shoal/protocol";
import type { JobSnapshot } from "@shoal/scheduler";
import { progressStatus } from "../authors/JobView.ts";
import type { Logger } from "../Logger.ts";
import type { SyncPostgres } from "../store/postgres/SyncPostgres.ts";

/** The channel every publication is announced on; its payload is the comma-separated ids of the jobs whose rows changed, or `*` for many. */
export const PROGRESS_CHANNEL = "shoal_job_progress";

/** Job ids named in one notification at most (a payload must stay under PostgreSQL's 8000 bytes); past that it says `*`. */
export const NOTIFY_MAX_IDS = 100;

/** How often a coordinator publishes its jobs' progress at most, by default. */
export const PUBLISH_EVERY_MS = 300;

/**
 * One round: the changed rows are written only under a lease this node holds at the epoch named
 * (the fence: a paused owner that lost its jobs writes nothing), and only over an older
 * (epoch, version); ended jobs' rows of this node's epoch are deleted; one notification names
 * every job touched. One statement, so one round trip.
 */
const PUBLISH_SQL = `
WITH input AS (
  SELECT * FROM unnest($2::text[], $3::bigint[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[], $11::int[], $12::int[], $13::int[])
    AS u(job_id, epoch, state, total, waiting, queued, running, done, failed, reused, accepted, rejected)
), written AS (
  INSERT INTO job_progress (job_id, owner, epoch, version, state, total, waiting, queued, running, done, failed, reused, accepted, rejected)
  SELECT i.job_id, $1, i.epoch, $14, i.state, i.total, i.waiting, i.queued, i.running, i.done, i.failed, i.reused, i.accepted, i.rejected
  FROM input i JOIN job_leases l ON l.job_id = i.job_id AND l.epoch = i.epoch AND l.owner = $1
  ON CONFLICT (job_id) DO UPDATE SET owner = excluded.owner, epoch = excluded.epoch, version = excluded.version, state = excluded.state,
    total = excluded.total, waiting = excluded.waiting, queued = excluded.queued, running = excluded.running, done = excluded.done,
    failed = excluded.failed, reused = excluded.reused, accepted = excluded.accepted, rejected = excluded.rejected, updated_at = clock_timestamp()
  WHERE (job_progress.epoch, job_progress.version) < (excluded.epoch, excluded.version)
  RETURNING job_id
), removed AS (
  DELETE FROM job_progress p USING unnest($15::text[], $16::bigint[]) AS e(job_id, epoch)
  WHERE p.job_id = e.job_id AND p.epoch = e.epoch AND p.owner = $1
  RETURNING p.job_id
), touched AS (
  SELECT job_id FROM written UNION ALL SELECT job_id FROM removed
)
SELECT count(*) AS n, pg_notify($17, CASE WHEN count(*) <= $18 THEN string_agg(job_id, ',') ELSE '*' END) FROM touched HAVING count(*) > 0`;

/**
 * Publishes the progress of the jobs one coordinator process runs, for the other coordinators on
 * the same PostgreSQL database to show (`ProgressReader`): every `everyMs` at most, the jobs whose
 * counts changed since the last round go out in one statement with one `pg_notify` on
 * {@link PROGRESS_CHANNEL}, so neither writes nor notifications grow with the tasks done; a round
 * with nothing changed costs nothing. Jobs that ended or were lost since have their row deleted
 * (a finished job's outcome is in `jobs`).
 */
export class ProgressPublisher {
  readonly #db: SyncPostgres;
  readonly #node: string;
  readonly #held: () => ReadonlyMap<JobId, number>;
  readonly #progress: (id: JobId) => JobSnapshot | undefined;
  readonly #logger: Logger;
  /** What was last published of each job: under which epoch, and its counts as a comparison key. */
  readonly #published = new Map<JobId, { epoch: number; key: string }>();
  #version = 0;
  #failing = false;
  #timer: NodeJS.Timeout | undefined;

  /** `held` gives the jobs this node leases with their epochs (`JobLeases.held`), `progress` a job's live snapshot here. */
  constructor(deps: { db: SyncPostgres; node: string; held: () => ReadonlyMap<JobId, number>; progress: (id: JobId) => JobSnapshot | undefined; logger: Logger }) {
    this.#db = deps.db;
    this.#node = deps.node;
    this.#held = deps.held;
    this.#progress = deps.progress;
    this.#logger = deps.logger;
  }

  /** Publishes every `everyMs` from now on. */
  start(everyMs = PUBLISH_EVERY_MS): void {
    this.#timer = setInterval(() => this.publish(), everyMs);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  /** One round now; returns the rows written or deleted. Never throws: a database outage is logged once, and the next round sends what changed meanwhile. */
  publish(): number {
    const changed: Array<{ id: JobId; epoch: number; snapshot: JobSnapshot; key: string }> = [];
    const running = new Set<JobId>();
    for (const [id, epoch] of this.#held()) {
      const snapshot = this.#progress(id);
      if (snapshot?.status !== "running") continue;
      running.add(id);
      const key = JSON.stringify([epoch, snapshot.tasks, snapshot.results]);
      if (this.#published.get(id)?.key !== key) changed.push({ id, epoch, snapshot, key });
    }
    const ended = [...this.#published].filter(([id]) => !running.has(id)).map(([id, { epoch }]) => ({ id, epoch }));
    if (changed.length === 0 && ended.length === 0) return 0;
    const column = (pick: (c: (typeof changed)[number]) => unknown) => changed.map(pick);
    const params = [
      this.#node,
      column((c) => c.id),
      column((c) => c.epoch),
      column((c) => progressStatus(c.snapshot)),
      column((c) => c.snapshot.tasks.total),
      column((c) => c.snapshot.tasks.waiting),
      column((c) => c.snapshot.tasks.queued),
      column((c) => c.snapshot.tasks.running),
      column((c) => c.snapshot.tasks.done),
      column((c) => c.snapshot.tasks.failed),
      column((c) => c.snapshot.tasks.reused ?? 0),
      column((c) => c.snapshot.results.accepted),
      column((c) => c.snapshot.results.rejected),
      ++this.#version,
      ended.map((e) => e.id),
      ended.map((e) => e.epoch),
      PROGRESS_CHANNEL,
      NOTIFY_MAX_IDS,
    ];
    let touched: number;
    try {
      touched = this.#db.query<{ n: number }>(PUBLISH_SQL, params).rows[0]?.n ?? 0;
    } catch (error) {
      if (!this.#failing) this.#logger.error(`job progress: could not publish (retrying every round): ${error instanceof Error ? error.message : String(error)}`);
      this.#failing = true;
      return 0;
    }
    if (this.#failing) this.#logger.info("job progress: publishing again");
    this.#failing = false;
    for (const c of changed) this.#published.set(c.id, { epoch: c.epoch, key: c.key });
    for (const e of ended) this.#published.delete(e.id);
    return touched;
  }
}
