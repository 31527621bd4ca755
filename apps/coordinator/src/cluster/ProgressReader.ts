import type { JobId } from "@shoal/protocol";
import type { JobProgress } from "../authors/JobView.ts";
import { progressStatus } from "../authors/JobView.ts";
import type { Logger } from "../Logger.ts";
import type { SyncPostgres } from "../store/postgres/SyncPostgres.ts";

/** How long a progress row read is shown before it is read again, unless a notification names its job first. */
export const PROGRESS_CACHE_MS = 1_000;

/** Largest count a progress row may hold (the columns are 32-bit); any larger is a forged row. */
const MAX_COUNT = 2 ** 31 - 1;

/** Jobs asked for in one statement at most (`GET /api/jobs` lists up to 1000). */
const READ_BATCH = 1_000;

/** Jobs whose progress is remembered at most; past it the oldest are forgotten (and read again when asked for). */
const MAX_CACHED = 10_000;

/** Job and node ids as this coordinator makes them (`newId`), and `''` for the single coordinator of a migrated database. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const NODE = /^[A-Za-z0-9_-]{0,64}$/;

const COUNT_COLUMNS = ["total", "waiting", "queued", "running", "done", "failed", "reused", "accepted", "rejected"] as const;

/** A `job_progress` row joined with its job's lease, as read back: every field is checked before it is believed. */
export interface ProgressRowSql {
  job_id: unknown;
  owner: unknown;
  epoch: unknown;
  version: unknown;
  state: unknown;
  total: unknown;
  waiting: unknown;
  queued: unknown;
  running: unknown;
  done: unknown;
  failed: unknown;
  reused: unknown;
  accepted: unknown;
  rejected: unknown;
  lease_owner: unknown;
  lease_epoch: unknown;
}

interface Cached {
  /** When it was read (`now()`); -Infinity once a notification named the job. */
  at: number;
  progress: JobProgress | undefined;
  /** The newest (epoch, version) believed for the job: an older row read later is out of order, and ignored. */
  epoch: number;
  version: number;
  /** Why the last row read was refused, so a forged row is logged once, not on every read. */
  refused?: string;
}

/**
 * Reads what the coordinators running jobs published of their progress (`ProgressPublisher`), for
 * views of jobs this coordinator does not run: one statement for all the jobs asked for, each row
 * kept for {@link PROGRESS_CACHE_MS} or until a notification on the progress channel names its job
 * ({@link notified}). Nothing read is believed blindly: a row with an id, owner, state or count out
 * of shape, counts that do not add up, an epoch other than its lease's (a stale owner's, or
 * forged), or an (epoch, version) older than one already seen is ignored, with a warning, and the
 * last row believed stays shown.
 */
export class ProgressReader {
  readonly #db: SyncPostgres;
  readonly #logger: Logger;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<JobId, Cached>();

  constructor(deps: { db: SyncPostgres; logger: Logger; cacheMs?: number; now?: () => number }) {
    this.#db = deps.db;
    this.#logger = deps.logger;
    this.#cacheMs = deps.cacheMs ?? PROGRESS_CACHE_MS;
    this.#now = deps.now ?? Date.now;
  }

  /** The published progress of each job in `ids` that has one believed; jobs without are left out. */
  read(ids: readonly JobId[]): Map<JobId, JobProgress> {
    const now = this.#now();
    const stale = [...new Set(ids)].filter((id) => {
      const cached = this.#cache.get(id);
      return !cached || now - cached.at >= this.#cacheMs;
    });
    for (let i = 0; i < stale.length; i += READ_BATCH) this.#load(stale.slice(i, i + READ_BATCH), now);
    const found = new Map<JobId, JobProgress>();
    for (const id of ids) {
      const progress = this.#cache.get(id)?.progress;
      if (progress) found.set(id, progress);
    }
    return found;
  }

  /**
   * A notification's payload: the ids of jobs whose rows changed, read again when next asked for.
   * `undefined` (the listening connection is back: notifications may have been lost), `*` or
   * anything out of shape marks every job.
   */
  notified(payload: string | undefined): void {
    const ids = payload === undefined || payload.length > 8_000 ? undefined : payload.split(",");
    if (!ids || !ids.every((id) => ID.test(id))) {
      for (const cached of this.#cache.values()) cached.at = -Infinity;
      return;
    }
    for (const id of ids) {
      const cached = this.#cache.get(id as JobId);
      if (cached) cached.at = -Infinity;
    }
  }

  #load(ids: readonly JobId[], now: number): void {
    const sql = `
SELECT p.job_id, p.owner, p.epoch, p.version, p.state, p.total, p.waiting, p.queued, p.running, p.done, p.failed, p.reused, p.accepted, p.rejected,
  l.owner AS lease_owner, l.epoch AS lease_epoch
FROM job_progress p LEFT JOIN job_leases l ON l.job_id = p.job_id
WHERE p.job_id = ANY($1::text[]) LIMIT $2`;
    const rows = this.#db.query<ProgressRowSql>(sql, [ids, ids.length]).rows;
    const asked = new Set<string>(ids);
    const byJob = new Map<JobId, ProgressRowSql>();
    for (const row of rows) if (typeof row.job_id === "string" && asked.has(row.job_id)) byJob.set(row.job_id as JobId, row);
    for (const id of ids) {
      const cached = this.#cache.get(id) ?? { at: now, progress: undefined, epoch: 0, version: 0 };
      this.#cache.delete(id);
      this.#cache.set(id, cached);
      cached.at = now;
      const row = byJob.get(id);
      if (!row) {
        // Not published yet, or the job ended (its outcome is in jobs): nothing to show.
        cached.progress = undefined;
        continue;
      }
      const read = parseProgressRow(row);
      const refused = typeof read === "string" ? read : read.epoch < cached.epoch || (read.epoch === cached.epoch && read.version < cached.version) ? `(epoch ${read.epoch}, version ${read.version}) is older than (${cached.epoch}, ${cached.version}), already shown` : undefined;
      if (refused !== undefined) {
        if (cached.refused !== refused) this.#logger.warn(`job ${id}: ignored its progress row: ${refused}`);
        cached.refused = refused;
        continue;
      }
      const believed = read as Exclude<typeof read, string>;
      delete cached.refused;
      cached.progress = believed.progress;
      cached.epoch = believed.epoch;
      cached.version = believed.version;
    }
    for (const id of this.#cache.keys()) {
      if (this.#cache.size <= MAX_CACHED) break;
      this.#cache.delete(id);
    }
  }
}

/** A progress row checked field by field: its progress with the (epoch, version) it was published under, or why it is not believed. */
export function parseProgressRow(row: ProgressRowSql): { progress: JobProgress; epoch: number; version: number } | string {
  if (typeof row.job_id !== "string" || !ID.test(row.job_id)) return "a malformed job id";
  if (typeof row.owner !== "string" || !NODE.test(row.owner)) return "a malformed owner";
  if (!isCount(row.epoch) || row.epoch < 1 || !isCount(row.version) || row.version < 1) return "a malformed epoch or version";
  if (row.lease_epoch === null || row.lease_owner === null) return "the job has no lease";
  if (row.lease_epoch !== row.epoch || row.lease_owner !== row.owner) return `published under epoch ${row.epoch} by ${JSON.stringify(row.owner)}, but the lease is at epoch ${String(row.lease_epoch)}, held by ${JSON.stringify(row.lease_owner)}`;
  const bad = COUNT_COLUMNS.find((column) => !isCount(row[column]) || (row[column] as number) > MAX_COUNT);
  if (bad) return `${bad} is not a count from 0 to ${MAX_COUNT}`;
  const n = row as unknown as Record<(typeof COUNT_COLUMNS)[number], number>;
  if (n.waiting + n.queued + n.running + n.done + n.failed !== n.total) return "its task counts do not add up to its total";
  if (n.reused > n.done) return "more tasks reused than done";
  const progress: JobProgress = {
    tasks: { total: n.total, waiting: n.waiting, queued: n.queued, running: n.running, done: n.done, failed: n.failed, ...(n.reused > 0 ? { reused: n.reused } : {}) },
    results: { accepted: n.accepted, rejected: n.rejected },
  };
  // Counts that show a task ran say running; a pending Lua error (not published) may say so before any did.
  if (row.state !== "running" && (row.state !== "queued" || progressStatus(progress) !== "queued")) return `its state ${JSON.stringify(row.state).slice(0, 80)} is not what its counts say`;
  return { progress: { ...progress, publishedStatus: row.state }, epoch: row.epoch, version: row.version };
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
