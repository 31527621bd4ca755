/**
 * Version of {@link SQLITE_SCHEMA}; a database written by a newer coordinator is refused. 2: a
 * snapshot's tasks live in `scheduler_snapshot_tasks`, which a coordinator of version 1 would miss,
 * and peers keep the hash of their session secret. 3: datasets have versions (`parent`, `version`)
 * made by appends, and `task_memo` keeps verified task outputs for incremental jobs, in insertion order (`seq`) so the
 * oldest are evicted first. 4: a series lists its immutable chunks (`dataset_series.chunks`, JSON);
 * NULL, as every series of schema 3 migrates, means its shard is its one chunk. 5: live chains are
 * kept in `live_chains`, so a restarted coordinator resumes them (schema 4 had none to keep: it lost them).
 * 6: each chain has an `epoch` that fences the start of its next version (0 for a schema 5 chain).
 */
export const SCHEMA_VERSION = 6;

/** Tables of the SQLite store. Times are ISO-8601 text; JSON columns hold text written by JSON.stringify. */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS datasets (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  hash       TEXT NOT NULL,
  ingest_key TEXT NOT NULL,
  options    TEXT NOT NULL,
  columns    TEXT NOT NULL,
  rows       INTEGER NOT NULL,
  bytes      INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  parent     TEXT REFERENCES datasets(id),
  version    INTEGER NOT NULL DEFAULT 1,
  UNIQUE (hash, ingest_key)
);
CREATE TABLE IF NOT EXISTS dataset_series (
  dataset_id TEXT NOT NULL REFERENCES datasets(id),
  position   INTEGER NOT NULL,
  key        TEXT NOT NULL,
  rows       INTEGER NOT NULL,
  time_from  REAL NOT NULL,
  time_to    REAL NOT NULL,
  shard      TEXT NOT NULL,
  chunks     TEXT,
  PRIMARY KEY (dataset_id, position)
);
CREATE TABLE IF NOT EXISTS task_memo (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  key     TEXT NOT NULL UNIQUE,
  outputs TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  hash       TEXT PRIMARY KEY,
  label      TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  id          TEXT PRIMARY KEY,
  dataset_id  TEXT NOT NULL REFERENCES datasets(id),
  spec        TEXT NOT NULL,
  has_reduce  INTEGER NOT NULL,
  replicas    INTEGER NOT NULL,
  quorum      INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'running',
  created_at  TEXT NOT NULL,
  finished_at TEXT,
  tasks       TEXT,
  results     TEXT,
  error       TEXT,
  result      TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created_at);
CREATE TABLE IF NOT EXISTS live_chains (
  id         TEXT PRIMARY KEY REFERENCES jobs(id),
  owner      TEXT NOT NULL,
  current    TEXT NOT NULL REFERENCES jobs(id),
  last       TEXT REFERENCES jobs(id),
  created_at TEXT NOT NULL,
  epoch      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS peers (
  id          TEXT PRIMARY KEY,
  secret_hash TEXT,
  last_seen   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS peers_by_last_seen ON peers (last_seen);
CREATE TABLE IF NOT EXISTS scheduler_snapshot (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  seq   INTEGER NOT NULL,
  state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scheduler_snapshot_tasks (
  job      INTEGER NOT NULL,
  position INTEGER NOT NULL,
  tasks    TEXT NOT NULL,
  PRIMARY KEY (job, position)
);
CREATE TABLE IF NOT EXISTS scheduler_log (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  command TEXT NOT NULL
);
`;

/** Indexes on columns a migration may have to add first, created once the schema is current. */
export const SQLITE_INDEXES = `
CREATE UNIQUE INDEX IF NOT EXISTS datasets_one_child ON datasets (parent) WHERE parent IS NOT NULL;
`;
