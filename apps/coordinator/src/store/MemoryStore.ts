import type { DatasetId, JobId, PeerId } from "@shoal/protocol";
import type { SchedulerCommand, SchedulerState } from "@shoal/scheduler";
import type { CreditLedger } from "../credit/CreditLedger.ts";
import type { CreditTables } from "../credit/MemoryCreditLedger.ts";
import { emptyCreditTables, MemoryCreditLedger } from "../credit/MemoryCreditLedger.ts";
import { ingestKey } from "./ingestKey.ts";
import type { DatasetRecord, DatasetSummary, IngestOptions, JobOutcome, JobRow, LiveChainRow, SchedulerLog, Store } from "./Store.ts";

interface Tables {
  datasets: Map<DatasetId, DatasetRecord>;
  tokens: Map<string, { label: string; createdAt: string }>;
  jobs: Map<JobId, JobRow>;
  memos: Map<string, string>;
  liveChains: Map<JobId, LiveChainRow>;
  peers: Map<PeerId, { secretHash: string; lastSeen: string }>;
  snapshot: { state: SchedulerState; seq: number } | undefined;
  log: Array<{ seq: number; commands: SchedulerCommand[] }>;
  seq: number;
  credit: CreditTables;
}

const empty = (): Tables => ({
  datasets: new Map(),
  tokens: new Map(),
  jobs: new Map(),
  memos: new Map(),
  liveChains: new Map(),
  peers: new Map(),
  snapshot: undefined,
  log: [],
  seq: 0,
  credit: emptyCreditTables(),
});

/** A {@link Store} in memory, for tests and throwaway grids; transactions roll back by restoring a copy. */
export class MemoryStore implements Store {
  #t: Tables = empty();
  #depth = 0;
  readonly credit: CreditLedger = new MemoryCreditLedger(
    () => this.#t.credit,
    (peerId) => this.#t.peers.has(peerId),
  );

  transaction<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    const before = structuredClone(this.#t);
    this.#depth++;
    try {
      return fn();
    } catch (error) {
      this.#t = before;
      throw error;
    } finally {
      this.#depth--;
    }
  }

  insertDataset(dataset: DatasetRecord): void {
    if (this.#t.datasets.has(dataset.id)) throw new Error(`dataset ${dataset.id} already exists`);
    if (this.findDataset(dataset.hash, dataset.options)) throw new Error(`dataset with hash ${dataset.hash} and these options already exists`);
    if (dataset.parent !== undefined) {
      if (!this.#t.datasets.has(dataset.parent)) throw new Error(`no dataset ${dataset.parent}`);
      if (this.childOf(dataset.parent)) throw new Error(`dataset ${dataset.parent} already has a newer version`);
    }
    this.#t.datasets.set(dataset.id, structuredClone(dataset));
  }

  getDataset(id: DatasetId): DatasetRecord | undefined {
    return copy(this.#t.datasets.get(id));
  }

  findDataset(hash: string, options: IngestOptions): DatasetRecord | undefined {
    const key = ingestKey(options);
    return copy([...this.#t.datasets.values()].find((d) => d.hash === hash && ingestKey(d.options) === key));
  }

  datasetsByHash(hash: string): DatasetRecord[] {
    return newestFirst([...this.#t.datasets.values()].filter((d) => d.hash === hash)).map((d) => structuredClone(d));
  }

  listDatasets(limit: number): DatasetSummary[] {
    return newestFirst([...this.#t.datasets.values()])
      .slice(0, limit)
      .map(({ series, ...rest }) => ({ ...structuredClone(rest), seriesCount: series.length }));
  }

  childOf(id: DatasetId): DatasetId | undefined {
    for (const d of this.#t.datasets.values()) if (d.parent === id) return d.id;
    return undefined;
  }

  getMemo(key: string): string | undefined {
    return this.#t.memos.get(key);
  }

  putMemo(key: string, outputs: string): void {
    if (!this.#t.memos.has(key)) this.#t.memos.set(key, outputs);
  }

  countMemos(): number {
    return this.#t.memos.size;
  }

  trimMemos(keep: number): number {
    // A Map iterates in insertion order, and putMemo never re-inserts a key: the first keys are the oldest.
    const excess = Math.max(0, this.#t.memos.size - keep);
    let left = excess;
    for (const key of this.#t.memos.keys()) {
      if (left-- <= 0) break;
      this.#t.memos.delete(key);
    }
    return excess;
  }

  addToken(hash: string, label: string, createdAt: string): void {
    this.#t.tokens.set(hash, { label, createdAt });
  }

  hasToken(hash: string): boolean {
    return this.#t.tokens.has(hash);
  }

  countTokens(): number {
    return this.#t.tokens.size;
  }

  insertJob(job: JobRow): void {
    if (this.#t.jobs.has(job.id)) throw new Error(`job ${job.id} already exists`);
    if (!this.#t.datasets.has(job.dataset)) throw new Error(`no dataset ${job.dataset}`);
    this.#t.jobs.set(job.id, structuredClone(job));
  }

  finishJob(id: JobId, outcome: JobOutcome): void {
    const job = this.#t.jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    job.outcome = structuredClone(outcome);
  }

  getJob(id: JobId): JobRow | undefined {
    const job = this.#t.jobs.get(id);
    return job && withoutResult(job);
  }

  listJobs(limit: number): JobRow[] {
    return newestFirst([...this.#t.jobs.values()]).slice(0, limit).map(withoutResult);
  }

  jobResult(id: JobId): string | undefined {
    return this.#t.jobs.get(id)?.outcome?.result;
  }

  countJobs(): Record<"running" | JobOutcome["status"], number> {
    const counts = { running: 0, done: 0, failed: 0, cancelled: 0 };
    for (const job of this.#t.jobs.values()) counts[job.outcome?.status ?? "running"]++;
    return counts;
  }

  putLiveChain(chain: LiveChainRow): void {
    for (const id of [chain.id, chain.current, chain.last]) {
      if (id !== undefined && !this.#t.jobs.has(id)) throw new Error(`no job ${id}`);
    }
    // A replaced row keeps its place, as SQLite's ordering by creation time does.
    this.#t.liveChains.set(chain.id, structuredClone(chain));
  }

  deleteLiveChain(id: JobId): void {
    this.#t.liveChains.delete(id);
  }

  listLiveChains(limit: number): LiveChainRow[] {
    return [...this.#t.liveChains.values()]
      .map((row, i) => ({ row, i }))
      .sort((a, b) => a.row.createdAt.localeCompare(b.row.createdAt) || a.i - b.i)
      .slice(0, limit)
      .map(({ row }) => structuredClone(row));
  }

  getLiveChain(id: JobId): LiveChainRow | undefined {
    const row = this.#t.liveChains.get(id);
    return row && structuredClone(row);
  }

  claimLiveChain(id: JobId, epoch: number): boolean {
    const row = this.#t.liveChains.get(id);
    if (row?.epoch !== epoch) return false;
    this.#t.liveChains.set(id, { ...row, epoch: epoch + 1 });
    return true;
  }

  moveLiveChain(id: JobId, epoch: number, current: JobId, last: JobId | undefined): boolean {
    const row = this.#t.liveChains.get(id);
    if (row?.epoch !== epoch) return false;
    for (const job of [current, last]) {
      if (job !== undefined && !this.#t.jobs.has(job)) throw new Error(`no job ${job}`);
    }
    const moved: LiveChainRow = { id: row.id, owner: row.owner, current, createdAt: row.createdAt, epoch };
    if (last !== undefined) moved.last = last;
    this.#t.liveChains.set(id, moved);
    return true;
  }

  rememberPeer(id: PeerId, secretHash: string, at: string): void {
    this.#t.peers.set(id, { secretHash, lastSeen: at });
  }

  peerSecretHash(id: PeerId): string | undefined {
    return this.#t.peers.get(id)?.secretHash;
  }

  prunePeers(before: string, keep: ReadonlySet<PeerId>): number {
    let pruned = 0;
    for (const [id, { lastSeen }] of this.#t.peers) {
      if (lastSeen < before && !keep.has(id)) pruned += Number(this.#t.peers.delete(id));
    }
    if (pruned > 0) this.credit.pruneBindings();
    return pruned;
  }

  countPeers(): number {
    return this.#t.peers.size;
  }

  appendCommands(encoded: readonly string[]): number {
    const seq = ++this.#t.seq;
    this.#t.log.push({ seq, commands: encoded.map((text) => JSON.parse(text) as SchedulerCommand) });
    return seq;
  }

  saveSnapshot(state: SchedulerState, throughSeq: number): void {
    this.#t.snapshot = { state: structuredClone(state), seq: throughSeq };
    this.#t.log = this.#t.log.filter((entry) => entry.seq > throughSeq);
  }

  loadScheduler(): SchedulerLog {
    const lastSeq = this.#t.log.at(-1)?.seq ?? this.#t.snapshot?.seq ?? 0;
    const log: SchedulerLog = { commands: this.#t.log.flatMap((entry) => structuredClone(entry.commands)), lastSeq };
    if (this.#t.snapshot) log.snapshot = structuredClone(this.#t.snapshot.state);
    return log;
  }

  close(): void {
    this.#t = empty();
  }
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

/** Newest first by creation time; insertion order breaks ties, later first. */
function newestFirst<T extends { createdAt: string }>(rows: T[]): T[] {
  return rows.map((row, i) => ({ row, i })).sort((a, b) => b.row.createdAt.localeCompare(a.row.createdAt) || b.i - a.i).map(({ row }) => row);
}

function withoutResult(job: JobRow): JobRow {
  const copy = structuredClone(job);
  if (copy.outcome) delete copy.outcome.result;
  return copy;
}
