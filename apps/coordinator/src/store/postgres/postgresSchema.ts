/**
 * Version of {@link POSTGRES_SCHEMA}, kept in `meta` as SQLite's is; a database written by a newer
 * coordinator is refused. Counted apart from the SQLite schema's versions.
 */
export const POSTGRES_SCHEMA_VERSION = 6;

/**
 * Tables of the PostgreSQL store, the SQLite schema's counterparts: times as ISO-8601 text and
 * JSON as text (so results are served as written), text that is ordered or compared in
 * `COLLATE "C"` (byte order, as SQLite compares), and `seq` identity columns where SQLite
 * ordered by rowid. The credit ledger's and the task history's tables are created by them.
 * Since version 2 the scheduler's snapshot and log are kept per coordinator process (`node`), for
 * several coordinators on one database; see {@link POSTGRES_LEASE_SCHEMA}.
 */
export const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS datasets (
  seq        BIGINT GENERATED ALWAYS AS IDENTITY,
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  hash       TEXT NOT NULL,
  ingest_key TEXT NOT NULL,
  options    TEXT NOT NULL,
  columns    TEXT NOT NULL,
  rows       BIGINT NOT NULL,
  bytes      BIGINT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  parent     TEXT REFERENCES datasets(id),
  version    INTEGER NOT NULL DEFAULT 1,
  UNIQUE (hash, ingest_key)
);
CREATE UNIQUE INDEX IF NOT EXISTS datasets_one_child ON datasets (parent) WHERE parent IS NOT NULL;
CREATE TABLE IF NOT EXISTS dataset_series (
  dataset_id TEXT NOT NULL REFERENCES datasets(id),
  position   INTEGER NOT NULL,
  key        TEXT NOT NULL,
  rows       BIGINT NOT NULL,
  time_from  DOUBLE PRECISION NOT NULL,
  time_to    DOUBLE PRECISION NOT NULL,
  shard      TEXT NOT NULL,
  chunks     TEXT,
  PRIMARY KEY (dataset_id, position)
);
CREATE TABLE IF NOT EXISTS task_memo (
  seq     BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  key     TEXT PRIMARY KEY,
  outputs TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  hash       TEXT PRIMARY KEY,
  label      TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  seq         BIGINT GENERATED ALWAYS AS IDENTITY,
  id          TEXT PRIMARY KEY,
  dataset_id  TEXT NOT NULL REFERENCES datasets(id),
  spec        TEXT NOT NULL,
  has_reduce  BOOLEAN NOT NULL,
  replicas    INTEGER NOT NULL,
  quorum      INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'running',
  created_at  TEXT COLLATE "C" NOT NULL,
  finished_at TEXT,
  tasks       TEXT,
  results     TEXT,
  error       TEXT,
  result      TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created_at);
CREATE TABLE IF NOT EXISTS peers (
  id          TEXT PRIMARY KEY,
  secret_hash TEXT,
  last_seen   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX IF NOT EXISTS peers_by_last_seen ON peers (last_seen);
CREATE TABLE IF NOT EXISTS scheduler_snapshot (
  node  TEXT PRIMARY KEY,
  seq   BIGINT NOT NULL,
  state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scheduler_snapshot_tasks (
  node     TEXT NOT NULL DEFAULT '',
  job      INTEGER NOT NULL,
  position INTEGER NOT NULL,
  tasks    TEXT NOT NULL,
  PRIMARY KEY (node, job, position)
);
CREATE TABLE IF NOT EXISTS scheduler_log (
  seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  node    TEXT NOT NULL DEFAULT '',
  command TEXT NOT NULL
);
`;

/**
 * Turns a version 1 database (one coordinator) into version 2: its series gain a chunk list (NULL:
 * the series' shard is its one chunk, as for SQLite's schema 3), its scheduler snapshot and log
 * become node `''`'s, and each of its running jobs gets a lease of that node which has already
 * lapsed, so the first coordinator to start takes them over from that log.
 */
export const POSTGRES_MIGRATE_1_TO_2 = `
ALTER TABLE scheduler_snapshot ADD COLUMN node TEXT NOT NULL DEFAULT '';
ALTER TABLE scheduler_snapshot DROP CONSTRAINT scheduler_snapshot_pkey;
ALTER TABLE scheduler_snapshot DROP COLUMN id;
ALTER TABLE scheduler_snapshot ADD PRIMARY KEY (node);
ALTER TABLE scheduler_snapshot_tasks ADD COLUMN node TEXT NOT NULL DEFAULT '';
ALTER TABLE scheduler_snapshot_tasks DROP CONSTRAINT scheduler_snapshot_tasks_pkey;
ALTER TABLE scheduler_snapshot_tasks ADD PRIMARY KEY (node, job, position);
ALTER TABLE scheduler_log ADD COLUMN node TEXT NOT NULL DEFAULT '';
ALTER TABLE dataset_series ADD COLUMN IF NOT EXISTS chunks TEXT;
`;

/**
 * Version 4: live chains (see `LiveJobs`) kept in `live_chains`, so a restarted coordinator resumes
 * them. A version 3 database kept none (they were in memory), so the table starts empty; it is
 * created by this statement on a new database too, run on every start after any older migration.
 */
export const POSTGRES_MIGRATE_3_TO_4 = `
CREATE TABLE IF NOT EXISTS live_chains (
  id         TEXT PRIMARY KEY REFERENCES jobs(id),
  owner      TEXT NOT NULL,
  current    TEXT NOT NULL REFERENCES jobs(id),
  last       TEXT REFERENCES jobs(id),
  created_at TEXT COLLATE "C" NOT NULL,
  seq        BIGINT GENERATED ALWAYS AS IDENTITY
);
`;

/**
 * Version 6: each live chain's `epoch`, which fences the start of its next version among the
 * coordinators (see `LiveJobs`): a chain of an older version starts at 0. Run on every start after 4 to 5.
 */
export const POSTGRES_MIGRATE_5_TO_6 = `
ALTER TABLE live_chains ADD COLUMN IF NOT EXISTS epoch BIGINT NOT NULL DEFAULT 0;
`;

/**
 * Job leases (created after any migration): which coordinator process owns each job and under
 * which epoch, every takeover in `job_lease_history`, and every accepted result in
 * `accepted_results` with the epoch it was accepted under; its key makes a replica's second
 * acceptance impossible. Times are the database's (`timestamptz`), so coordinators' clocks need
 * not agree.
 */
export const POSTGRES_LEASE_SCHEMA = `
CREATE INDEX IF NOT EXISTS scheduler_log_by_node ON scheduler_log (node, seq);
CREATE TABLE IF NOT EXISTS job_leases (
  job_id     TEXT PRIMARY KEY REFERENCES jobs(id),
  owner      TEXT NOT NULL,
  epoch      BIGINT NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  taken_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS job_leases_by_expiry ON job_leases (expires_at);
CREATE TABLE IF NOT EXISTS job_lease_history (
  job_id   TEXT NOT NULL REFERENCES jobs(id),
  epoch    BIGINT NOT NULL,
  owner    TEXT NOT NULL,
  previous TEXT,
  taken_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (job_id, epoch)
);
CREATE TABLE IF NOT EXISTS accepted_results (
  job_id      TEXT NOT NULL,
  task_id     TEXT NOT NULL,
  attempt     INTEGER NOT NULL,
  epoch       BIGINT NOT NULL,
  node        TEXT NOT NULL,
  accepted_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (job_id, task_id, attempt)
);
`;

/**
 * The 2 to 3 migration, and the table a new database gets alike (created after the lease tables):
 * `job_progress`, each running job's task and result counts as its owner last published them
 * (`ProgressPublisher`), under the lease epoch it held and a `version` it raises on every
 * publication, so every coordinator can show a job it does not run (`ProgressReader`). Finished
 * jobs' rows are deleted; their outcome is in `jobs`. Renumbering this migration means changing
 * only {@link POSTGRES_SCHEMA_VERSION} and the version test in `PostgresStore`'s `#checkVersion`.
 */
export const POSTGRES_MIGRATE_2_TO_3 = `
CREATE TABLE IF NOT EXISTS job_progress (
  job_id     TEXT PRIMARY KEY REFERENCES jobs(id),
  owner      TEXT NOT NULL,
  epoch      BIGINT NOT NULL,
  version    BIGINT NOT NULL,
  state      TEXT NOT NULL,
  total      INTEGER NOT NULL,
  waiting    INTEGER NOT NULL,
  queued     INTEGER NOT NULL,
  running    INTEGER NOT NULL,
  done       INTEGER NOT NULL,
  failed     INTEGER NOT NULL,
  reused     INTEGER NOT NULL,
  accepted   INTEGER NOT NULL,
  rejected   INTEGER NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
`;

/**
 * Version 5: cross-node feeding (`TaskOffers`). `task_offers` holds the tasks an owner could not
 * place on its own volunteers, each an attempt it leased to its pool peer under the job's lease
 * epoch, until a node with idle volunteers claims it (`claimed_by`, `claim_expires` by the
 * database's clock); `remote_results` holds what those volunteers sent back, one row per attempt
 * (its key makes a replayed row a no-op), until the owner reads it. Both start empty, so a version 4
 * database gains them as they are; created by this statement on a new database too.
 */
export const POSTGRES_MIGRATE_4_TO_5 = `
CREATE TABLE IF NOT EXISTS task_offers (
  seq           BIGINT GENERATED ALWAYS AS IDENTITY,
  job_id        TEXT NOT NULL REFERENCES jobs(id),
  task_id       TEXT NOT NULL,
  attempt       INTEGER NOT NULL,
  owner         TEXT NOT NULL,
  epoch         BIGINT NOT NULL,
  shard         TEXT,
  engine        TEXT NOT NULL,
  assignment    TEXT NOT NULL,
  offered_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  claimed_by    TEXT,
  claim_expires TIMESTAMPTZ,
  PRIMARY KEY (job_id, task_id, attempt)
);
CREATE INDEX IF NOT EXISTS task_offers_unclaimed ON task_offers (seq) WHERE claimed_by IS NULL;
CREATE INDEX IF NOT EXISTS task_offers_by_owner ON task_offers (owner);
CREATE TABLE IF NOT EXISTS remote_results (
  seq        BIGINT GENERATED ALWAYS AS IDENTITY,
  job_id     TEXT NOT NULL,
  task_id    TEXT NOT NULL,
  attempt    INTEGER NOT NULL,
  epoch      BIGINT NOT NULL,
  node       TEXT NOT NULL,
  volunteer  TEXT NOT NULL,
  outcome    TEXT NOT NULL,
  PRIMARY KEY (job_id, task_id, attempt)
);
CREATE INDEX IF NOT EXISTS remote_results_by_job ON remote_results (job_id, seq);
`;
