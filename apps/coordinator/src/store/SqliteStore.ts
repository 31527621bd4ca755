import Database from "better-sqlite3";
import type { DatasetId, JobId, PeerId, ShardHash } from "@shoal/protocol";
import type { SchedulerCommand, SchedulerState } from "@shoal/scheduler";
import { ingestKey } from "./ingestKey.ts";
import { SCHEMA_VERSION, SQLITE_SCHEMA } from "./sqliteSchema.ts";
import type { DatasetRecord, IngestOptions, JobOutcome, JobRow, SchedulerLog, Store } from "./Store.ts";

interface DatasetRowSql {
  id: string;
  name: string;
  hash: string;
  options: string;
  columns: string;
  rows: number;
  bytes: number;
  created_at: string;
}

interface SeriesRowSql {
  key: string;
  rows: number;
  time_from: number;
  time_to: number;
  shard: string;
}

interface JobRowSql {
  id: string;
  dataset_id: string;
  spec: string;
  has_reduce: number;
  replicas: number;
  quorum: number;
  status: string;
  created_at: string;
  finished_at: string | null;
  tasks: string | null;
  results: string | null;
  error: string | null;
}

const JOB_COLUMNS = "id, dataset_id, spec, has_reduce, replicas, quorum, status, created_at, finished_at, tasks, results, error";

/**
 * The {@link Store} on SQLite (better-sqlite3): WAL journal, `synchronous = NORMAL` (a commit
 * survives the process being killed; only a power cut may lose the last ones), prepared
 * statements, and transactions that nest through savepoints.
 */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #q;

  constructor(path: string) {
    const db = new Database(path);
    this.#db = db;
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    db.exec(SQLITE_SCHEMA);
    this.#checkVersion();
    this.#q = {
      insertDataset: db.prepare(
        "INSERT INTO datasets (id, name, hash, ingest_key, options, columns, rows, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      insertSeries: db.prepare(
        "INSERT INTO dataset_series (dataset_id, position, key, rows, time_from, time_to, shard) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      dataset: db.prepare("SELECT * FROM datasets WHERE id = ?"),
      datasetByKey: db.prepare("SELECT * FROM datasets WHERE hash = ? AND ingest_key = ?"),
      datasetsByHash: db.prepare("SELECT * FROM datasets WHERE hash = ? ORDER BY created_at DESC, rowid DESC"),
      datasets: db.prepare("SELECT * FROM datasets ORDER BY created_at DESC, rowid DESC"),
      series: db.prepare("SELECT key, rows, time_from, time_to, shard FROM dataset_series WHERE dataset_id = ? ORDER BY position"),
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
      rememberPeer: db.prepare(
        "INSERT INTO peers (id, secret_hash, last_seen) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET secret_hash = excluded.secret_hash, last_seen = excluded.last_seen",
      ),
      peerSecretHash: db.prepare("SELECT secret_hash FROM peers WHERE id = ?"),
      prunePeers: db.prepare("DELETE FROM peers WHERE last_seen < ? AND id NOT IN (SELECT value FROM json_each(?))"),
      countPeers: db.prepare("SELECT count(*) AS n FROM peers"),
      appendCommand: db.prepare("INSERT INTO scheduler_log (command) VALUES (?)"),
      saveSnapshot: db.prepare("INSERT OR REPLACE INTO scheduler_snapshot (id, seq, state) VALUES (1, ?, ?)"),
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
      this.#q.insertDataset.run(d.id, name, hash, ingestKey(options), JSON.stringify(options), JSON.stringify(columns), rows, bytes, createdAt);
      d.series.forEach((s, i) => this.#q.insertSeries.run(d.id, i, s.key, s.rows, s.from, s.to, s.shard));
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

  listDatasets(): DatasetRecord[] {
    return (this.#q.datasets.all() as DatasetRowSql[]).map((row) => this.#dataset(row) as DatasetRecord);
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
    return row && toJob(row);
  }

  listJobs(limit: number): JobRow[] {
    return (this.#q.jobs.all(limit) as JobRowSql[]).map(toJob);
  }

  jobResult(id: JobId): string | undefined {
    return (this.#q.jobResult.get(id) as { result: string | null } | undefined)?.result ?? undefined;
  }

  countJobs(): Record<"running" | JobOutcome["status"], number> {
    const counts = { running: 0, done: 0, failed: 0, cancelled: 0 };
    for (const { status, n } of this.#q.countJobs.all() as Array<{ status: keyof typeof counts; n: number }>) counts[status] = n;
    return counts;
  }

  rememberPeer(id: PeerId, secretHash: string, at: string): void {
    this.#q.rememberPeer.run(id, secretHash, at);
  }

  peerSecretHash(id: PeerId): string | undefined {
    const row = this.#q.peerSecretHash.get(id) as { secret_hash: string | null } | undefined;
    return row?.secret_hash ?? undefined;
  }

  prunePeers(before: string, keep: ReadonlySet<PeerId>): number {
    return this.#q.prunePeers.run(before, JSON.stringify([...keep])).changes;
  }

  countPeers(): number {
    return (this.#q.countPeers.get() as { n: number }).n;
  }

  /** One row per group commit: a JSON array of its commands (a single object in logs written before batching). */
  appendCommands(encoded: readonly string[]): number {
    return Number(this.#q.appendCommand.run(`[${encoded.join(",")}]`).lastInsertRowid);
  }

  saveSnapshot(state: SchedulerState, throughSeq: number): void {
    this.transaction(() => {
      this.#q.saveSnapshot.run(throughSeq, JSON.stringify(state));
      this.#q.truncateLog.run(throughSeq);
    });
  }

  loadScheduler(): SchedulerLog {
    const snapshot = this.#q.snapshot.get() as { seq: number; state: string } | undefined;
    const rows = this.#q.log.all(snapshot?.seq ?? 0) as Array<{ seq: number; command: string }>;
    const lastSeq = rows.at(-1)?.seq ?? snapshot?.seq ?? 0;
    const log: SchedulerLog = { commands: rows.flatMap((row) => JSON.parse(row.command) as SchedulerCommand | SchedulerCommand[]), lastSeq };
    if (snapshot) log.snapshot = JSON.parse(snapshot.state) as SchedulerState;
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
        // Schema 1 kept peers without secrets: they get fresh ids when they come back.
        this.#db.exec("ALTER TABLE peers ADD COLUMN secret_hash TEXT");
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
    }));
    return {
      id: row.id as DatasetId,
      name: row.name,
      hash: row.hash,
      options: JSON.parse(row.options) as IngestOptions,
      columns: JSON.parse(row.columns) as string[],
      rows: row.rows,
      bytes: row.bytes,
      series,
      createdAt: row.created_at,
    };
  }
}

function toJob(row: JobRowSql): JobRow {
  const job: JobRow = {
    id: row.id as JobId,
    dataset: row.dataset_id as DatasetId,
    spec: row.spec,
    hasReduce: row.has_reduce === 1,
    replicas: row.replicas,
    quorum: row.quorum,
    createdAt: row.created_at,
  };
  if (row.status !== "running") {
    job.outcome = {
      status: row.status as JobOutcome["status"],
      finishedAt: row.finished_at ?? "",
      tasks: JSON.parse(row.tasks ?? "null") as JobOutcome["tasks"],
      results: JSON.parse(row.results ?? "null") as JobOutcome["results"],
    };
    if (row.error !== null) job.outcome.error = JSON.parse(row.error) as JobOutcome["error"];
  }
  return job;
}
