import type { DatasetId, JobId, PeerId, ShardHash } from "@shoal/protocol";
import type { JobSnapshot, SchedulerCommand, SchedulerState } from "@shoal/scheduler";
import type { CreditLedger } from "../credit/CreditLedger.ts";

/** One immutable chunk of a series: the SHA-256 of its shard bytes and its row count. */
export interface ChunkRecord {
  hash: ShardHash;
  rows: number;
}

/**
 * One series of a stored dataset: its rows, time range (epoch ms), its chunks in time order, and
 * the address volunteers fetch (`shard`): the chunk itself when there is one, else the manifest
 * listing them. Absent `chunks` (series stored before chunks, schema 3) means one chunk, `shard`.
 */
export interface SeriesRecord {
  key: string;
  rows: number;
  from: number;
  to: number;
  shard: ShardHash;
  chunks?: ChunkRecord[];
}

/** How a CSV upload was read; part of the dedupe key, since the name is the key of a single-series file. */
export interface IngestOptions {
  name: string;
  keyColumn?: string;
  timeColumn?: string;
}

/** An uploaded dataset: `hash` is the SHA-256 of the CSV bytes, `bytes` their count. */
export interface DatasetRecord {
  id: DatasetId;
  name: string;
  hash: string;
  options: IngestOptions;
  columns: string[];
  rows: number;
  bytes: number;
  series: SeriesRecord[];
  createdAt: string;
  /** The version this one appended rows to; absent for an upload (version 1). */
  parent?: DatasetId;
  /** 1 for an upload, the parent's plus one for an append; absent means 1. */
  version?: number;
}

/** A dataset without its series, as listings show it: how many series it has instead. */
export type DatasetSummary = Omit<DatasetRecord, "series"> & { seriesCount: number };

/** How a finished job ended; `result` is JSON text, kept as text so it is served without re-encoding. */
export interface JobOutcome {
  status: "done" | "failed" | "cancelled";
  finishedAt: string;
  tasks: JobSnapshot["tasks"];
  results: JobSnapshot["results"];
  result?: string;
  error?: JobSnapshot["error"];
}

/** A submitted job as stored: the spec input as JSON text and, once it ended, its outcome. */
export interface JobRow {
  id: JobId;
  dataset: DatasetId;
  /** The validated job spec as JSON text. */
  spec: string;
  hasReduce: boolean;
  replicas: number;
  quorum: number;
  createdAt: string;
  outcome?: JobOutcome;
}

/**
 * A live chain as stored (see `LiveJobs`): its first job (`id`, the chain's name), the author
 * token's hash that owns it, the job computing its newest version (`current`) and the last one
 * that finished before it (`last`). Its spec, replication and dataset are the jobs' own, read
 * from their rows; a stopped chain has no row. `epoch` fences the start of each next version among
 * coordinators sharing the store: a node claims the chain by raising it ({@link Store.claimLiveChain})
 * and moves the chain to its new job only under the epoch it claimed ({@link Store.moveLiveChain}).
 */
export interface LiveChainRow {
  id: JobId;
  owner: string;
  current: JobId;
  last?: JobId;
  createdAt: string;
  epoch: number;
}

/** The scheduler as last persisted: a snapshot (if any) and the commands logged after it, in order. */
export interface SchedulerLog {
  snapshot?: SchedulerState;
  commands: SchedulerCommand[];
  /** Sequence number of the last command the snapshot and log cover (0 when empty). */
  lastSeq: number;
}

/**
 * The coordinator's embedded database: datasets, author tokens (hashed), jobs and their results,
 * the peer ids it issued, and the scheduler's snapshot plus command log. Writes inside
 * {@link Store.transaction} land together or not at all.
 */
export interface Store {
  /** Donor bindings and the append-only credit ledger, in this store's transactions. */
  readonly credit: CreditLedger;

  /** Runs `fn` atomically; nested calls join the outer transaction. A throw rolls everything back. */
  transaction<T>(fn: () => T): T;

  insertDataset(dataset: DatasetRecord): void;
  getDataset(id: DatasetId): DatasetRecord | undefined;
  /** The dataset read from these CSV bytes with these options, if any. */
  findDataset(hash: string, options: IngestOptions): DatasetRecord | undefined;
  /** Datasets read from CSV bytes with this hash, newest first. */
  datasetsByHash(hash: string): DatasetRecord[];
  /** The newest `limit` datasets, newest first, each without its series (which may number thousands). */
  listDatasets(limit: number): DatasetSummary[];
  /** The version appended to this dataset, if any: a version has at most one, so history is linear. */
  childOf(id: DatasetId): DatasetId | undefined;

  /** A map or reduce task's outputs (JSON text) stored under its memo key, if any. */
  getMemo(key: string): string | undefined;
  /** Stores a task's verified outputs (JSON text) under its memo key; a key stored before keeps its first outputs. */
  putMemo(key: string, outputs: string): void;
  /** Number of memoized task outputs. */
  countMemos(): number;
  /**
   * Evicts the oldest memos (by insertion; a key stored again keeps its first place) so at most
   * `keep` remain, in one statement; returns how many went. Eviction loses reuse, never a result.
   */
  trimMemos(keep: number): number;

  addToken(hash: string, label: string, createdAt: string): void;
  hasToken(hash: string): boolean;
  countTokens(): number;

  insertJob(job: JobRow): void;
  finishJob(id: JobId, outcome: JobOutcome): void;
  /** The job without its result text (read that with {@link Store.jobResult}). */
  getJob(id: JobId): JobRow | undefined;
  /** Jobs newest first, at most `limit`, without result texts. */
  listJobs(limit: number): JobRow[];
  /** The result text of a finished job. */
  jobResult(id: JobId): string | undefined;
  /** Number of jobs by stored status: `running` until they end. */
  countJobs(): Record<"running" | JobOutcome["status"], number>;

  /** Stores a live chain, replacing its row if it has one. */
  putLiveChain(chain: LiveChainRow): void;
  /** Forgets a live chain (it stopped); no row is fine. */
  deleteLiveChain(id: JobId): void;
  /** At most `limit` live chains, oldest first. */
  listLiveChains(limit: number): LiveChainRow[];
  /** One live chain, or undefined when it has no row (never was, or stopped). */
  getLiveChain(id: JobId): LiveChainRow | undefined;
  /** Raises a chain's epoch by one if it is `epoch` now, in one conditional update; false when another node claimed it first, or it stopped. */
  claimLiveChain(id: JobId, epoch: number): boolean;
  /** Moves a chain to its new job (`current`, with `last` the job before it) if its epoch is still `epoch`; false otherwise, and nothing written. */
  moveLiveChain(id: JobId, epoch: number, current: JobId, last: JobId | undefined): boolean;

  /**
   * Records that this coordinator issued (or welcomed back) a peer id, with the SHA-256 (hex) of the
   * session secret its welcome carried; a reconnecting peer keeps its one row.
   */
  rememberPeer(id: PeerId, secretHash: string, at: string): void;
  /** The secret hash stored for a peer id this coordinator issued and has not pruned. */
  peerSecretHash(id: PeerId): string | undefined;
  /** Forgets peers last seen before `before` (ISO time), except those in `keep`, with their credit bindings; returns how many went. */
  prunePeers(before: string, keep: ReadonlySet<PeerId>): number;
  countPeers(): number;

  /**
   * Appends scheduler commands, each already JSON text (encoded when applied, so a command that
   * cannot be encoded never reaches a commit), to the log as one entry (a group commit's worth);
   * returns the entry's sequence number. Replay yields the commands in order.
   */
  appendCommands(encoded: readonly string[]): number;
  /** Replaces the snapshot with `state`, which includes every command up to `throughSeq`, and drops those from the log. */
  saveSnapshot(state: SchedulerState, throughSeq: number): void;
  loadScheduler(): SchedulerLog;

  close(): void;
}
