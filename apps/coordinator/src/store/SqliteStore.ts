import Database from "better-sqlite3";
import type { DatasetId, JobId, PeerId, ShardHash } from "@shoal/protocol";
import type { SchedulerCommand, SchedulerState } from "@shoal/scheduler";
import type { CreditLedger } from "../credit/CreditLedger.ts";
import { SqliteCreditLedger } from "../credit/SqliteCreditLedger.ts";
import { ingestKey } from "./ingestKey.ts";
import { snapshotFromRows, snapshotOutline, snapshotTaskRows } from "./snapshotRows.ts";
import { chunksFromSql, chunksToSql, datasetOutline, JOB_COLUMNS, jobFromRow, LIVE_CHAIN_COLUMNS, liveChainFromRow, liveChainToSql } from "./storeRows.ts";
import type { DatasetRowSql, JobRowSql, LiveChainRowSql } from "./storeRows.ts";
import { SCHEMA_VERSION, SQLITE_INDEXES, SQLITE_SCHEMA } from "./sqliteSchema.ts";
import type { DatasetRecord, DatasetSummary, IngestOptions, JobOutcome, JobRow, LiveChainRow, SchedulerLog, Store } from "./Store.ts";

interface SeriesRowSql {
  key: string;
  rows: number;
  time_from: number;
  time_to: number;
  shard: string;
  chunks: string | null;
}

/**
 * The {@link Store} on SQLite (better-sqlite3): WAL journal, `synchronous = NORMAL` (a commit
 * survives the process being killed; only a power cut may lose the last ones), prepared
 * statements, and transactions that nest through savepoints.
 */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #q;
  readonly credit: CreditLedger;

  constructor(path: string) {
    const db = new Database(path);
    this.#db = db;
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    db.exec(SQLITE_SCHEMA);
    this.#checkVersion();
    db.exec(SQLITE_INDEXES);
    this.credit = new SqliteCreditLedger(db);
    this.#q = {
      insertDataset: db.prepare(
        "INSERT INTO datasets (id, name, hash, ingest_key, options, columns, rows, bytes, created_at, parent, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      insertSeries: db.prepare(
        "INSERT INTO dataset_series (dataset_id, position, key, rows, time_from, time_to, shard, chunks) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      dataset: db.prepare("SELECT * FROM datasets WHERE id = ?"),
      datasetByKey: db.prepare("SELECT * FROM datasets WHERE hash = ? AND ingest_key = ?"),
      datasetsByHash: db.prepare("SELECT * FROM datasets WHERE hash = ? ORDER BY created_at DESC, rowid DESC"),
      datasets: db.prepare(
        "SELECT d.*, (SELECT count(*) FROM dataset_series s WHERE s.dataset_id = d.id) AS series_count FROM datasets d ORDER BY d.created_at DESC, d.rowid DESC LIMIT ?",
      ),
      series: db.prepare("SELECT key, rows, time_from, time_to, shard, chunks FROM dataset_series WHERE dataset_id = ? ORDER BY position"),
      childOf: db.prepare("SELECT id FROM datasets WHERE parent = ?"),
      getMemo: db.prepare("SELECT outputs FROM task_memo WHERE key = ?"),
      putMemo: db.prepare("INSERT OR IGNORE INTO task_memo (key, outputs) VALUES (?, ?)"),
      countMemos: db.prepare("SELECT count(*) AS n FROM task_memo"),
      memoSpan: db.prepare("SELECT coalesce((SELECT max(seq) FROM task_memo) - (SELECT min(seq) FROM task_memo) + 1, 0) AS n"),
      // Everything at or below the seq of the newest row past `keep`: one walk down the rowid tree, one delete.
      trimMemos: db.prepare("DELETE FROM task_memo WHERE seq <= (SELECT seq FROM task_memo ORDER BY seq DESC LIMIT 1 OFFSET ?)"),
      addToken: db.prepare("INSERT OR REPLACE INTO tokens (hash, label, created_at) VALUES (?, ?, ?)"),
      hasToken: db.prepare("SELECT 1 FROM tokens WHERE hash = ?"),
      countTokens: db.prepare("SELECT count(*) AS n FROM tokens"),
      insertJob: db.prepare(
        "INSERT INTO jobs (id, dataset_id, spec, has_reduce, replicas, quorum, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      finishJob: db.prepare(
        "UPDATE jobs SET status = ?, finished_at = ?, tasks = ?, results = ?, error = ?, result = ? WHERE id = ?",
      ),
      job: db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`),
      jobs: db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?`),
      jobResult: db.prepare("SELECT result FROM jobs WHERE id = ?"),
      countJobs: db.prepare("SELECT status, count(*) AS n FROM jobs GROUP BY status"),
      putLiveChain: db.prepare(`INSERT OR REPLACE INTO live_chains (${LIVE_CHAIN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`),
      getLiveChain: db.prepare(`SELECT ${LIVE_CHAIN_COLUMNS} FROM live_chains WHERE id = ?`),
      claimLiveChain: db.prepare("UPDATE live_chains SET epoch = epoch + 1 WHERE id = ? AND epoch = ?"),
      moveLiveChain: db.prepare("UPDATE live_chains SET current = ?, last = ? WHERE id = ? AND epoch = ?"),
      deleteLiveChain: db.prepare("DELETE FROM live_chains WHERE id = ?"),
      liveChains: db.prepare(`SELECT ${LIVE_CHAIN_COLUMNS} FROM live_chains ORDER BY created_at, rowid LIMIT ?`),
      rememberPeer: db.prepare(
        "INSERT INTO peers (id, secret_hash, last_seen) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET secret_hash = excluded.secret_hash, last_seen = excluded.last_seen",
      ),
      peerSecretHash: db.prepare("SELECT secret_hash FROM peers WHERE id = ?"),
      prunePeers: db.prepare("DELETE FROM peers WHERE last_seen < ? AND id NOT IN (SELECT value FROM json_each(?))"),
      countPeers: db.prepare("SELECT count(*) AS n FROM peers"),
      appendCommand: db.prepare("INSERT INTO scheduler_log (command) VALUES (?)"),
      saveSnapshot: db.prepare("INSERT OR REPLACE INTO scheduler_snapshot (id, seq, state) VALUES (1, ?, ?)"),
      clearSnapshotTasks: db.prepare("DELETE FROM scheduler_snapshot_tasks"),
      saveSnapshotTasks: db.prepare("INSERT INTO scheduler_snapshot_tasks (job, position, tasks) VALUES (?, ?, ?)"),
      snapshotTasks: db.prepare("SELECT job, tasks FROM scheduler_snapshot_tasks ORDER BY job, position"),
      truncateLog: db.prepare("DELETE FROM scheduler_log WHERE seq <= ?"),
      snapshot: db.prepare("SELECT seq, state FROM scheduler_snapshot WHERE id = 1"),
      log: db.prepare("SELECT seq, command FROM scheduler_log WHERE seq > ? ORDER BY seq"),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  insertDataset(d: DatasetRecord): void {
    this.transaction(() => {
      const { name, hash, options, columns, rows, bytes, createdAt } = d;
      this.#q.insertDataset.run(d.id, name, hash, ingestKey(options), JSON.stringify(options), JSON.stringify(columns), rows, bytes, createdAt, d.parent ?? null, d.version ?? 1);
      d.series.forEach((s, i) => this.#q.insertSeries.run(d.id, i, s.key, s.rows, s.from, s.to, s.shard, chunksToSql(s.chunks)));
    });
  }

  getDataset(id: DatasetId): DatasetRecord | undefined {
    return this.#dataset(this.#q.dataset.get(id) as DatasetRowSql | undefined);
  }

  findDataset(hash: string, options: IngestOptions): DatasetRecord | undefined {
    return this.#dataset(this.#q.datasetByKey.get(hash, ingestKey(options)) as DatasetRowSql | undefined);
  }

  datasetsByHash(hash: string): DatasetRecord[] {
    return (this.#q.datasetsByHash.all(hash) as DatasetRowSql[]).map((row) => this.#dataset(row) as DatasetRecord);
  }

  listDatasets(limit: number): DatasetSummary[] {
    return (this.#q.datasets.all(limit) as Array<DatasetRowSql & { series_count: number }>).map((row) => ({ ...datasetOutline(row), seriesCount: row.series_count }));
  }

  childOf(id: DatasetId): DatasetId | undefined {
    return (this.#q.childOf.get(id) as { id: string } | undefined)?.id as DatasetId | undefined;
  }

  getMemo(key: string): string | undefined {
    return (this.#q.getMemo.get(key) as { outputs: string } | undefined)?.outputs;
  }

  putMemo(key: string, outputs: string): void {
    this.#q.putMemo.run(key, outputs);
  }

  countMemos(): number {
    return (this.#q.countMemos.get() as { n: number }).n;
  }

  trimMemos(keep: number): number {
    // The span of seqs bounds the count from above and costs two index probes (one min or max per
    // subquery, as SQLite reads them off the index only alone): under the bound, no walk.
    if ((this.#q.memoSpan.get() as { n: number }).n <= keep) return 0;
    return this.#q.trimMemos.run(keep).changes;
  }

  addToken(hash: string, label: string, createdAt: string): void {
    this.#q.addToken.run(hash, label, createdAt);
  }

  hasToken(hash: string): boolean {
    return this.#q.hasToken.get(hash) !== undefined;
  }

  countTokens(): number {
    return (this.#q.countTokens.get() as { n: number }).n;
  }

  insertJob(job: JobRow): void {
    this.#q.insertJob.run(job.id, job.dataset, job.spec, job.hasReduce ? 1 : 0, job.replicas, job.quorum, job.createdAt);
    if (job.outcome) this.finishJob(job.id, job.outcome);
  }

  finishJob(id: JobId, o: JobOutcome): void {
    const error = o.error === undefined ? null : JSON.stringify(o.error);
    const changed = this.#q.finishJob.run(o.status, o.finishedAt, JSON.stringify(o.tasks), JSON.stringify(o.results), error, o.result ?? null, id);
    if (changed.changes === 0) throw new Error(`no job ${id}`);
  }

  getJob(id: JobId): JobRow | undefined {
    const row = this.#q.job.get(id) as JobRowSql | undefined;
    return row && jobFromRow(row);
  }

  listJobs(limit: number): JobRow[] {
    return (this.#q.jobs.all(limit) as JobRowSql[]).map(jobFromRow);
  }

  jobResult(id: JobId): string | undefined {
    return (this.#q.jobResult.get(id) as { result: string | null } | undefined)?.result ?? undefined;
  }

  countJobs(): Record<"running" | JobOutcome["status"], number> {
    const counts = { running: 0, done: 0, failed: 0, cancelled: 0 };
    for (const { status, n } of this.#q.countJobs.all() as Array<{ status: keyof typeof counts; n: number }>) counts[status] = n;
    return counts;
  }

  putLiveChain(chain: LiveChainRow): void {
    this.#q.putLiveChain.run(...liveChainToSql(chain));
  }

  deleteLiveChain(id: JobId): void {
    this.#q.deleteLiveChain.run(id);
  }

  listLiveChains(limit: number): LiveChainRow[] {
    return (this.#q.liveChains.all(limit) as LiveChainRowSql[]).map(liveChainFromRow);
  }

  getLiveChain(id: JobId): LiveChainRow | undefined {
    const row = this.#q.getLiveChain.get(id) as LiveChainRowSql | undefined;
    return row && liveChainFromRow(row);
  }

  claimLiveChain(id: JobId, epoch: number): boolean {
    return this.#q.claimLiveChain.run(id, epoch).changes === 1;
  }

  moveLiveChain(id: JobId, epoch: number, current: JobId, last: JobId | undefined): boolean {
    return this.#q.moveLiveChain.run(current, last ?? null, id, epoch).changes === 1;
  }

  rememberPeer(id: PeerId, secretHash: string, at: string): void {
    this.#q.rememberPeer.run(id, secretHash, at);
  }

  peerSecretHash(id: PeerId): string | undefined {
    const row = this.#q.peerSecretHash.get(id) as { secret_hash: string | null } | undefined;
    return row?.secret_hash ?? undefined;
  }

  prunePeers(before: string, keep: ReadonlySet<PeerId>): number {
    const pruned = this.#q.prunePeers.run(before, JSON.stringify([...keep])).changes;
    if (pruned > 0) this.credit.pruneBindings();
    return pruned;
  }

  countPeers(): number {
    return (this.#q.countPeers.get() as { n: number }).n;
  }

  /** One row per group commit: a JSON array of its commands (a single object in logs written before batching). */
  appendCommands(encoded: readonly string[]): number {
    return Number(this.#q.appendCommand.run(`[${encoded.join(",")}]`).lastInsertRowid);
  }

  /** The state without its tasks as one row, each job's tasks in rows of their own (see {@link snapshotTaskRows}). */
  saveSnapshot(state: SchedulerState, throughSeq: number): void {
    this.transaction(() => {
      this.#q.clearSnapshotTasks.run();
      for (const row of snapshotTaskRows(state)) this.#q.saveSnapshotTasks.run(row.job, row.position, row.tasks);
      this.#q.saveSnapshot.run(throughSeq, snapshotOutline(state));
      this.#q.truncateLog.run(throughSeq);
    });
  }

  loadScheduler(): SchedulerLog {
    const snapshot = this.#q.snapshot.get() as { seq: number; state: string } | undefined;
    const rows = this.#q.log.all(snapshot?.seq ?? 0) as Array<{ seq: number; command: string }>;
    const lastSeq = rows.at(-1)?.seq ?? snapshot?.seq ?? 0;
    const log: SchedulerLog = { commands: rows.flatMap((row) => JSON.parse(row.command) as SchedulerCommand | SchedulerCommand[]), lastSeq };
    if (snapshot) log.snapshot = snapshotFromRows(snapshot.state, this.#q.snapshotTasks.iterate() as Iterable<{ job: number; tasks: string }>);
    return log;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #checkVersion(): void {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined;
    if (!row) {
      this.#db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
    } else if (Number(row.value) > SCHEMA_VERSION) {
      this.#db.close();
      throw new Error(`the database has schema ${row.value}; this coordinator knows up to ${SCHEMA_VERSION}`);
    } else if (Number(row.value) < SCHEMA_VERSION) {
      this.transaction(() => {
        // Schema 1 kept peers without secrets: they get fresh ids when they come back. Snapshot
        // task rows live in a table SQLITE_SCHEMA has just created.
        const columns = this.#db.prepare("PRAGMA table_info(peers)").all() as Array<{ name: string }>;
        if (!columns.some((column) => column.name === "secret_hash")) this.#db.exec("ALTER TABLE peers ADD COLUMN secret_hash TEXT");
        // Schema 2 datasets are all uploads: version 1, no parent. task_memo is new and empty.
        const datasetColumns = this.#db.prepare("PRAGMA table_info(datasets)").all() as Array<{ name: string }>;
        if (!datasetColumns.some((column) => column.name === "parent")) {
          this.#db.exec("ALTER TABLE datasets ADD COLUMN parent TEXT REFERENCES datasets(id); ALTER TABLE datasets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;");
        }
        // Schema 3 series are one whole-series shard each: a NULL chunk list says the shard is the one chunk.
        const seriesColumns = this.#db.prepare("PRAGMA table_info(dataset_series)").all() as Array<{ name: string }>;
        if (!seriesColumns.some((column) => column.name === "chunks")) this.#db.exec("ALTER TABLE dataset_series ADD COLUMN chunks TEXT");
        // Schema 4 kept live chains in memory only: live_chains, which SQLITE_SCHEMA has just created, starts empty.
        // Schema 5 chains had no epoch: each starts at 0.
        const chainColumns = this.#db.prepare("PRAGMA table_info(live_chains)").all() as Array<{ name: string }>;
        if (!chainColumns.some((column) => column.name === "epoch")) this.#db.exec("ALTER TABLE live_chains ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0");
        this.#db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(String(SCHEMA_VERSION));
      });
    }
  }

  #dataset(row: DatasetRowSql | undefined): DatasetRecord | undefined {
    if (!row) return undefined;
    const series = (this.#q.series.all(row.id) as SeriesRowSql[]).map((s) => ({
      key: s.key,
      rows: s.rows,
      from: s.time_from,
      to: s.time_to,
      shard: s.shard as ShardHash,
      ...chunksFromSql(s.chunks),
    }));
    return { ...datasetOutline(row), series };
  }
}
