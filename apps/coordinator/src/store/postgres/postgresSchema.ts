/**
 * Version of {@link POSTGRES_SCHEMA}, kept in `meta` as SQLite's is; a database written by a newer
 * coordinator is refused. Counted apart from the SQLite schema's versions.
 */
export const POSTGRES_SCHEMA_VERSION = 1;

/**
 * Tables of the PostgreSQL store, the SQLite schema's counterparts: times as ISO-8601 text and
 * JSON as text (so results are served as written), text that is ordered or compared in
 * `COLLATE "C"` (byte order, as SQLite compares), and `seq` identity columns where SQLite
 * ordered by rowid. The credit ledger's and the task history's tables are created by them.
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
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  seq   BIGINT NOT NULL,
  state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scheduler_snapshot_tasks (
  job      INTEGER NOT NULL,
  position INTEGER NOT NULL,
  tasks    TEXT NOT NULL,
  PRIMARY KEY (job, position)
);
CREATE TABLE IF NOT EXISTS scheduler_log (
  seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  command TEXT NOT NULL
);
`;
