import type { DatasetId, JobId, PeerId, ShardHash } from "@shoal/protocol";
import type { SchedulerCommand, SchedulerState } from "@shoal/scheduler";
import type { CreditLedger } from "../../credit/CreditLedger.ts";
import { POSTGRES_CREDIT_SCHEMA, PostgresCreditLedger } from "../../credit/PostgresCreditLedger.ts";
import { ingestKey } from "../ingestKey.ts";
import { snapshotFromRows, snapshotOutline, snapshotTaskRows } from "../snapshotRows.ts";
import { chunksFromSql, chunksToSql, datasetOutline, JOB_COLUMNS, jobFromRow, LIVE_CHAIN_COLUMNS, liveChainFromRow, liveChainToSql } from "../storeRows.ts";
import type { DatasetRowSql, JobRowSql, LiveChainRowSql } from "../storeRows.ts";
import type { DatasetRecord, DatasetSummary, IngestOptions, JobOutcome, JobRow, LiveChainRow, SchedulerLog, Store } from "../Store.ts";
import { POSTGRES_LEASE_SCHEMA, POSTGRES_MIGRATE_1_TO_2, POSTGRES_MIGRATE_2_TO_3, POSTGRES_MIGRATE_3_TO_4, POSTGRES_MIGRATE_4_TO_5, POSTGRES_MIGRATE_5_TO_6, POSTGRES_SCHEMA, POSTGRES_SCHEMA_VERSION } from "./postgresSchema.ts";
import { SyncPostgres } from "./SyncPostgres.ts";
import type { SyncPostgresOptions } from "./SyncPostgres.ts";

interface SeriesRowSql {
  dataset_id: string;
  key: string;
  rows: number;
  time_from: number;
  time_to: number;
  shard: string;
  chunks: string | null;
}

/** Taken while the schema is created or checked, so coordinators starting together do not race on it. */
const SCHEMA_LOCK = 7_264_001;

const SERIES_COLUMNS = "dataset_id, key, rows, time_from, time_to, shard, chunks";

/** How a {@link PostgresStore} connects, and whose scheduler log it keeps. */
export interface PostgresStoreOptions extends SyncPostgresOptions {
  /**
   * The coordinator process whose scheduler snapshot and log this store reads and writes (each of
   * several coordinators on one database keeps its own; see `JobLeases`). Default `''`.
   */
  node?: string;
}

/**
 * The {@link Store} on PostgreSQL, for coordinators past one machine: the same tables as SQLite's
 * on a {@link SyncPostgres} connection (a worker thread the coordinator's thread waits on), so the
 * synchronous store API and its transactions (nested through savepoints) stay as they are.
 */
export class PostgresStore implements Store {
  readonly #db: SyncPostgres;
  readonly #node: string;
  readonly credit: CreditLedger;

  /** Connects, creates (or migrates) the tables and checks the schema version; throws a clear error when it cannot. */
  constructor(url: string, options: PostgresStoreOptions = {}) {
    this.#db = new SyncPostgres(url, options);
    this.#node = options.node ?? "";
    try {
      this.#db.underLock(SCHEMA_LOCK, () => {
        this.#db.query(POSTGRES_SCHEMA + POSTGRES_CREDIT_SCHEMA);
        this.#checkVersion();
      });
    } catch (error) {
      this.#db.close();
      throw error;
    }
    this.credit = new PostgresCreditLedger(this.#db);
  }

  /** The connection, for the task history, the job leases and tests that read the tables. */
  get connection(): SyncPostgres {
    return this.#db;
  }

  /** The coordinator process whose scheduler log this store keeps. */
  get node(): string {
    return this.#node;
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn);
  }

  insertDataset(d: DatasetRecord): void {
    const { name, hash, options, columns, rows, bytes, createdAt } = d;
    this.#db.transaction(() =>
      this.#db.batch([
        {
          text: "INSERT INTO datasets (id, name, hash, ingest_key, options, columns, rows, bytes, created_at, parent, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
          params: [d.id, name, hash, ingestKey(options), JSON.stringify(options), JSON.stringify(columns), rows, bytes, createdAt, d.parent ?? null, d.version ?? 1],
        },
        {
          text: "INSERT INTO dataset_series (dataset_id, position, key, rows, time_from, time_to, shard, chunks) SELECT $1, p - 1, k, r, f, t, s, c FROM unnest($2::text[], $3::bigint[], $4::float8[], $5::float8[], $6::text[], $7::text[]) WITH ORDINALITY AS u(k, r, f, t, s, c, p)",
          params: [d.id, d.series.map((s) => s.key), d.series.map((s) => s.rows), d.series.map((s) => s.from), d.series.map((s) => s.to), d.series.map((s) => s.shard), d.series.map((s) => chunksToSql(s.chunks))],
        },
      ]),
    );
  }

  getDataset(id: DatasetId): DatasetRecord | undefined {
    return this.#datasets("id = $1", [id])[0];
  }

  findDataset(hash: string, options: IngestOptions): DatasetRecord | undefined {
    return this.#datasets("hash = $1 AND ingest_key = $2", [hash, ingestKey(options)])[0];
  }

  datasetsByHash(hash: string): DatasetRecord[] {
    return this.#datasets("hash = $1", [hash]);
  }

  listDatasets(limit: number): DatasetSummary[] {
    const sql = "SELECT d.*, (SELECT count(*) FROM dataset_series s WHERE s.dataset_id = d.id) AS series_count FROM datasets d ORDER BY d.created_at DESC, d.seq DESC LIMIT $1";
    return this.#db.query<DatasetRowSql & { series_count: number }>(sql, [limit]).rows.map((row) => ({ ...datasetOutline(row), seriesCount: row.series_count }));
  }

  childOf(id: DatasetId): DatasetId | undefined {
    return this.#db.query<{ id: string }>("SELECT id FROM datasets WHERE parent = $1", [id]).rows[0]?.id as DatasetId | undefined;
  }

  getMemo(key: string): string | undefined {
    return this.#db.query<{ outputs: string }>("SELECT outputs FROM task_memo WHERE key = $1", [key]).rows[0]?.outputs;
  }

  putMemo(key: string, outputs: string): void {
    this.#db.query("INSERT INTO task_memo (key, outputs) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [key, outputs]);
  }

  countMemos(): number {
    return this.#db.query<{ n: number }>("SELECT count(*) AS n FROM task_memo").rows[0]!.n;
  }

  trimMemos(keep: number): number {
    // The span of seqs bounds the count from above and costs two index probes: under the bound, no walk.
    const span = this.#db.query<{ n: number }>("SELECT coalesce((SELECT max(seq) FROM task_memo) - (SELECT min(seq) FROM task_memo) + 1, 0) AS n").rows[0]!.n;
    if (span <= keep) return 0;
    // Everything at or below the seq of the newest row past `keep` (walked down seq's unique index), in one delete.
    const sql = "DELETE FROM task_memo WHERE seq <= (SELECT seq FROM task_memo ORDER BY seq DESC LIMIT 1 OFFSET $1)";
    return this.#db.query(sql, [keep]).rowCount ?? 0;
  }

  addToken(hash: string, label: string, createdAt: string): void {
    this.#db.query(
      "INSERT INTO tokens (hash, label, created_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO UPDATE SET label = excluded.label, created_at = excluded.created_at",
      [hash, label, createdAt],
    );
  }

  hasToken(hash: string): boolean {
    return this.#db.query("SELECT 1 FROM tokens WHERE hash = $1", [hash]).rowCount > 0;
  }

  countTokens(): number {
    return this.#db.query<{ n: number }>("SELECT count(*) AS n FROM tokens").rows[0]!.n;
  }

  insertJob(job: JobRow): void {
    const insert = () =>
      this.#db.query("INSERT INTO jobs (id, dataset_id, spec, has_reduce, replicas, quorum, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
        job.id,
        job.dataset,
        job.spec,
        job.hasReduce,
        job.replicas,
        job.quorum,
        job.createdAt,
      ]);
    if (!job.outcome) insert();
    else this.#db.transaction(() => (insert(), this.finishJob(job.id, job.outcome!)));
  }

  finishJob(id: JobId, o: JobOutcome): void {
    const error = o.error === undefined ? null : JSON.stringify(o.error);
    const sql = "UPDATE jobs SET status = $1, finished_at = $2, tasks = $3, results = $4, error = $5, result = $6 WHERE id = $7";
    const changed = this.#db.query(sql, [o.status, o.finishedAt, JSON.stringify(o.tasks), JSON.stringify(o.results), error, o.result ?? null, id]);
    if (changed.rowCount === 0) throw new Error(`no job ${id}`);
  }

  getJob(id: JobId): JobRow | undefined {
    const row = this.#db.query<JobRowSql>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1`, [id]).rows[0];
    return row && jobFromRow(row);
  }

  listJobs(limit: number): JobRow[] {
    return this.#db.query<JobRowSql>(`SELECT ${JOB_COLUMNS} FROM jobs ORDER BY created_at DESC, seq DESC LIMIT $1`, [limit]).rows.map(jobFromRow);
  }

  jobResult(id: JobId): string | undefined {
    return this.#db.query<{ result: string | null }>("SELECT result FROM jobs WHERE id = $1", [id]).rows[0]?.result ?? undefined;
  }

  countJobs(): Record<"running" | JobOutcome["status"], number> {
    const counts = { running: 0, done: 0, failed: 0, cancelled: 0 };
    for (const { status, n } of this.#db.query<{ status: keyof typeof counts; n: number }>("SELECT status, count(*) AS n FROM jobs GROUP BY status").rows) counts[status] = n;
    return counts;
  }

  putLiveChain(chain: LiveChainRow): void {
    const sql = `INSERT INTO live_chains (${LIVE_CHAIN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, current = excluded.current, last = excluded.last, created_at = excluded.created_at, epoch = excluded.epoch`;
    this.#db.query(sql, liveChainToSql(chain));
  }

  deleteLiveChain(id: JobId): void {
    this.#db.query("DELETE FROM live_chains WHERE id = $1", [id]);
  }

  listLiveChains(limit: number): LiveChainRow[] {
    return this.#db.query<LiveChainRowSql>(`SELECT ${LIVE_CHAIN_COLUMNS} FROM live_chains ORDER BY created_at, seq LIMIT $1`, [limit]).rows.map(liveChainFromRow);
  }

  getLiveChain(id: JobId): LiveChainRow | undefined {
    const row = this.#db.query<LiveChainRowSql>(`SELECT ${LIVE_CHAIN_COLUMNS} FROM live_chains WHERE id = $1`, [id]).rows[0];
    return row && liveChainFromRow(row);
  }

  claimLiveChain(id: JobId, epoch: number): boolean {
    // One statement: of two nodes claiming at the same epoch, the second's update waits on the first's row lock, then matches no row.
    return this.#db.query<{ id: string }>("UPDATE live_chains SET epoch = epoch + 1 WHERE id = $1 AND epoch = $2 RETURNING id", [id, epoch]).rows.length === 1;
  }

  moveLiveChain(id: JobId, epoch: number, current: JobId, last: JobId | undefined): boolean {
    return this.#db.query<{ id: string }>("UPDATE live_chains SET current = $3, last = $4 WHERE id = $1 AND epoch = $2 RETURNING id", [id, epoch, current, last ?? null]).rows.length === 1;
  }

  rememberPeer(id: PeerId, secretHash: string, at: string): void {
    this.#db.query(
      "INSERT INTO peers (id, secret_hash, last_seen) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET secret_hash = excluded.secret_hash, last_seen = excluded.last_seen",
      [id, secretHash, at],
    );
  }

  peerSecretHash(id: PeerId): string | undefined {
    return this.#db.query<{ secret_hash: string | null }>("SELECT secret_hash FROM peers WHERE id = $1", [id]).rows[0]?.secret_hash ?? undefined;
  }

  prunePeers(before: string, keep: ReadonlySet<PeerId>): number {
    const pruned = this.#db.query("DELETE FROM peers WHERE last_seen < $1 AND NOT (id = ANY($2::text[]))", [before, [...keep]]).rowCount;
    if (pruned > 0) this.credit.pruneBindings();
    return pruned;
  }

  countPeers(): number {
    return this.#db.query<{ n: number }>("SELECT count(*) AS n FROM peers").rows[0]!.n;
  }

  /** One row per group commit: a JSON array of its commands. */
  appendCommands(encoded: readonly string[]): number {
    const sql = "INSERT INTO scheduler_log (node, command) VALUES ($1, $2) RETURNING seq";
    return this.#db.query<{ seq: number }>(sql, [this.#node, `[${encoded.join(",")}]`]).rows[0]!.seq;
  }

  /** The state without its tasks as one row, each job's tasks in rows of their own (see {@link snapshotTaskRows}). */
  saveSnapshot(state: SchedulerState, throughSeq: number): void {
    this.#db.transaction(() => {
      this.#db.query("DELETE FROM scheduler_snapshot_tasks WHERE node = $1", [this.#node]);
      const sql = "INSERT INTO scheduler_snapshot_tasks (node, job, position, tasks) VALUES ($1, $2, $3, $4)";
      for (const row of snapshotTaskRows(state)) this.#db.query(sql, [this.#node, row.job, row.position, row.tasks]);
      this.#db.batch([
        {
          text: "INSERT INTO scheduler_snapshot (node, seq, state) VALUES ($1, $2, $3) ON CONFLICT (node) DO UPDATE SET seq = excluded.seq, state = excluded.state",
          params: [this.#node, throughSeq, snapshotOutline(state)],
        },
        { text: "DELETE FROM scheduler_log WHERE node = $1 AND seq <= $2", params: [this.#node, throughSeq] },
      ]);
    });
  }

  loadScheduler(): SchedulerLog {
    return this.schedulerLogOf(this.#node);
  }

  /** Another coordinator process's scheduler snapshot and log, read in one transaction: what taking over one of its jobs starts from. */
  schedulerLogOf(node: string): SchedulerLog {
    return this.#db.transaction(() => {
      const snapshot = this.#db.query<{ seq: number; state: string }>("SELECT seq, state FROM scheduler_snapshot WHERE node = $1", [node]).rows[0];
      const [rows, tasks] = this.#db.queryPair<{ seq: number; command: string }, { job: number; tasks: string }>(
        { text: "SELECT seq, command FROM scheduler_log WHERE node = $1 AND seq > $2 ORDER BY seq", params: [node, snapshot?.seq ?? 0] },
        { text: "SELECT job, tasks FROM scheduler_snapshot_tasks WHERE node = $1 ORDER BY job, position", params: [node] },
      );
      const lastSeq = rows.rows.at(-1)?.seq ?? snapshot?.seq ?? 0;
      const log: SchedulerLog = { commands: rows.rows.flatMap((row) => JSON.parse(row.command) as SchedulerCommand[]), lastSeq };
      if (snapshot) log.snapshot = snapshotFromRows(snapshot.state, tasks.rows);
      return log;
    });
  }

  /** The nodes that owned a job, `previous` first, then earlier owners from the lease history, newest first, each once. */
  ownersOf(id: JobId, previous: string): string[] {
    const rows = this.#db.query<{ owner: string; previous: string | null }>("SELECT owner, previous FROM job_lease_history WHERE job_id = $1 ORDER BY epoch DESC", [id]).rows;
    return [...new Set([previous, ...rows.flatMap((row) => [row.owner, row.previous ?? ""])])].filter((node) => node !== this.#node);
  }

  close(): void {
    this.#db.close();
  }

  /** Writes the version on a new database, migrates a version 1 or 2 one, refuses a newer one; then adds the lease, progress, live chain and task offer tables. */
  #checkVersion(): void {
    const row = this.#db.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema'").rows[0];
    if (!row) this.#db.query("INSERT INTO meta (key, value) VALUES ('schema', $1)", [String(POSTGRES_SCHEMA_VERSION)]);
    const version = row ? Number(row.value) : POSTGRES_SCHEMA_VERSION;
    if (version > POSTGRES_SCHEMA_VERSION) throw new Error(`the database has schema ${row?.value}; this coordinator knows up to ${POSTGRES_SCHEMA_VERSION}`);
    if (version === 1) this.#db.query(POSTGRES_MIGRATE_1_TO_2);
    this.#db.query(POSTGRES_LEASE_SCHEMA);
    if (version === 1) this.#db.query("INSERT INTO job_leases (job_id, owner, epoch, expires_at) SELECT id, '', 0, now() FROM jobs WHERE status = 'running'");
    // Version 2 to 3 (and a new database): the progress table, empty until owners publish.
    this.#db.query(POSTGRES_MIGRATE_2_TO_3);
    // Version 3 to 4 (and a new database): the live chains table, empty until a live job starts.
    this.#db.query(POSTGRES_MIGRATE_3_TO_4);
    // Version 4 to 5 (and a new database): task offers and remote results, empty until nodes feed each other's volunteers.
    this.#db.query(POSTGRES_MIGRATE_4_TO_5);
    // Version 5 to 6 (and a new database): each chain's epoch, 0 for a chain kept before it.
    this.#db.query(POSTGRES_MIGRATE_5_TO_6);
    if (version < POSTGRES_SCHEMA_VERSION) this.#db.query("UPDATE meta SET value = $1 WHERE key = 'schema'", [String(POSTGRES_SCHEMA_VERSION)]);
  }

  /** Datasets matching `where`, newest first, with their series: two statements, one round trip. */
  #datasets(where: string, params: unknown[]): DatasetRecord[] {
    const [datasets, series] = this.#db.queryPair<DatasetRowSql, SeriesRowSql>(
      { text: `SELECT * FROM datasets WHERE ${where} ORDER BY created_at DESC, seq DESC`, params },
      { text: `SELECT ${SERIES_COLUMNS} FROM dataset_series WHERE dataset_id IN (SELECT id FROM datasets WHERE ${where}) ORDER BY dataset_id, position`, params },
    );
    const byDataset = new Map<string, DatasetRecord["series"]>();
    for (const s of series.rows) {
      const list = byDataset.get(s.dataset_id) ?? [];
      list.push({ key: s.key, rows: s.rows, from: s.time_from, to: s.time_to, shard: s.shard as ShardHash, ...chunksFromSql(s.chunks) });
      byDataset.set(s.dataset_id, list);
    }
    return datasets.rows.map((row) => ({ ...datasetOutline(row), series: byDataset.get(row.id) ?? [] }));
  }
}
