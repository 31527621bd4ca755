import type { DatasetId, JobId, JobView, Json } from "@shoal/protocol";
import { parseJobSpec } from "@shoal/protocol";
import type { Logger } from "../Logger.ts";
import type { DatasetRecord, JobRow, LiveChainRow, Store } from "../store/Store.ts";
import { JobRequestError } from "./JobRequestError.ts";
import type { JobRequest } from "./JobService.ts";

/** One finished version of a live job, as its event stream sends it. */
export interface LiveVersion {
  /** The first job of the chain: the id the live stream is asked by. */
  chain: JobId;
  /** The dataset version the job ran on (1 for an upload). */
  version: number;
  dataset: DatasetId;
  jobId: JobId;
  status: JobView["status"];
  /** Tasks taken from earlier jobs' outputs (0 when none). */
  reused: number;
  total: number;
  /** The job's result, for a done job. */
  result?: Json;
}

/** Longest owner (an author token's SHA-256, hex) a stored chain may name. */
const MAX_OWNER_CHARS = 128;

/** A live chain's rerun submitted: the job computing a new version, before it finishes. */
export interface LiveRunning {
  chain: JobId;
  version: number;
  dataset: DatasetId;
  jobId: JobId;
}

/** What a chain's watchers hear: a finished version, a rerun under way, or the end. */
export type LiveEvent = { type: "version"; version: LiveVersion } | { type: "running"; running: LiveRunning } | { type: "stopped" };

/** The jobs {@link LiveJobs} drives: submit, cancel, results and the end of every job; the store that keeps its chains. */
export interface LiveJobsDeps {
  /** Submits a job; `within` runs in the transaction that stores its row, so a chain's row moves with its job. */
  submit(request: JobRequest, within?: (id: JobId) => void): Promise<JobView>;
  cancel(id: JobId): JobView;
  view(id: JobId): JobView | undefined;
  resultText(id: JobId): string;
  dataset(id: DatasetId): DatasetRecord | undefined;
  onFinished(listener: (view: JobView) => void): () => void;
  onAppended(listener: (dataset: DatasetRecord) => void): () => void;
  store: Pick<Store, "putLiveChain" | "deleteLiveChain" | "listLiveChains" | "getLiveChain" | "claimLiveChain" | "moveLiveChain" | "getJob" | "childOf">;
  logger: Logger;
  /**
   * Whether other coordinators share the store (PostgreSQL): then a chain whose job runs elsewhere is
   * not resumed at start, a job this node took over is looked up as a chain's when it ends, and a
   * chain past this node's caps is left to the others rather than dropped.
   */
  shared?: boolean;
}

/** A chain's next version was started by another coordinator first: the loser's job is rolled back with its transaction. */
export class ChainMovedError extends Error {
  override readonly name = "ChainMovedError";
  constructor(chain: JobId) {
    super(`live chain ${chain} moved on: another coordinator started its next version`);
  }
}

/** A stored chain past a cap of this coordinator: dropped when alone on its store, left to the others when shared. */
class ChainCapError extends Error {}

interface Chain {
  id: JobId;
  /** Who submitted it (the author token's hash): the per-token cap counts chains by it. */
  owner: string;
  createdAt: string;
  request: JobRequest;
  /** The job running now, or the last one when none runs. */
  current: JobId;
  /** Whether `current` has not ended yet (or a rerun's submit is under way). */
  running: boolean;
  /** Whether this node's submit of the chain's next job is under way (claimed, not committed yet). */
  submitting: boolean;
  /** The dataset the last submitted job ran on: a newer version of it starts a rerun. */
  dataset: DatasetId;
  /** The chain's epoch as this node last read or claimed it (see `Store.claimLiveChain`). */
  epoch: number;
  last: LiveVersion | undefined;
  listeners: Set<(event: LiveEvent) => void>;
}

/**
 * Live jobs: a job submitted with `live: true` is rerun on every version appended to its dataset,
 * as a new job on the new version (so the task memo reuses what did not change). At most one rerun
 * per chain runs at a time; appends that come while it runs are coalesced into one rerun on the
 * latest version, so no version's data is lost and none is run twice. Each finished job is one
 * {@link LiveVersion} event to the chain's listeners: one per version, never per task. Each chain has
 * a row in the store, written in the same transaction as the job it moves to, and deleted when it
 * stops; {@link LiveJobs.restore} resumes them after a restart.
 *
 * Several coordinators on one store: a chain's owner is the node running its current job (the
 * holder of that job's lease, so a takeover moves the chain with the job). Starting the next
 * version is fenced by the row's epoch: a node claims it (one conditional update raising the epoch
 * it read) before planning the job, and the job's transaction moves the chain only under the epoch
 * claimed, so two nodes never both start version N+1. Any node that receives an append starts the
 * next version of a chain whose current job has ended; a chain whose job is running takes the newest
 * version, read from the store, when that job ends on its owner.
 */
export class LiveJobs {
  readonly #deps: LiveJobsDeps;
  readonly #max: number;
  readonly #maxPerOwner: number;
  readonly #chains = new Map<JobId, Chain>();
  readonly #byJob = new Map<JobId, Chain>();
  /** Submits under way (not chains yet), by owner: counted against both caps so racing submits cannot pass them. */
  readonly #reserved = new Map<string, number>();
  /** Reruns submitted whose id is not known yet, and jobs that ended meanwhile (a rerun that reuses every task ends within its submit). */
  #inFlight = 0;
  readonly #early = new Map<JobId, JobView>();
  readonly #shared: boolean;

  constructor(deps: LiveJobsDeps, maxLiveJobs: number, maxPerOwner = maxLiveJobs) {
    this.#deps = deps;
    this.#shared = deps.shared ?? false;
    this.#max = maxLiveJobs;
    this.#maxPerOwner = maxPerOwner;
    deps.onFinished((view) => this.#finished(view));
    deps.onAppended((dataset) => this.#appended(dataset));
  }

  /**
   * Submits the first job of a live chain for `owner` (the author token's hash); a 429 past the
   * live chains the coordinator keeps, or past those one token may keep.
   */
  async submit(request: JobRequest, owner = ""): Promise<JobView> {
    const reserved = [...this.#reserved.values()].reduce((sum, n) => sum + n, 0);
    if (this.#chains.size + reserved >= this.#max) {
      throw new JobRequestError(`${this.#max} live jobs are running, the most this coordinator keeps; stop one (DELETE /api/jobs/{id}/live) first`, { status: 429 });
    }
    const own = [...this.#chains.values()].filter((chain) => chain.owner === owner).length + (this.#reserved.get(owner) ?? 0);
    if (own >= this.#maxPerOwner) {
      throw new JobRequestError(`this token has ${this.#maxPerOwner} live jobs running, the most one token may keep; stop one (DELETE /api/jobs/{id}/live) first`, { status: 429 });
    }
    this.#reserved.set(owner, (this.#reserved.get(owner) ?? 0) + 1);
    try {
      const createdAt = new Date().toISOString();
      const view = await this.#deps.submit(request, (id) => this.#deps.store.putLiveChain({ id, owner, current: id, createdAt, epoch: 0 }));
      const chain: Chain = { id: view.id, owner, createdAt, request, current: view.id, running: true, submitting: false, dataset: view.dataset as DatasetId, epoch: 0, last: undefined, listeners: new Set() };
      this.#chains.set(chain.id, chain);
      this.#byJob.set(view.id, chain);
      return view;
    } finally {
      const left = (this.#reserved.get(owner) ?? 1) - 1;
      if (left > 0) this.#reserved.set(owner, left);
      else this.#reserved.delete(owner);
    }
  }

  /**
   * Resumes the chains the store keeps (at start, before any submit): each follows its current job,
   * and one whose job ended reruns at once on the newest version appended since. A row that names
   * jobs which do not make a chain (missing, another spec, a dataset that is not a version of the
   * first job's), or one past the caps, is dropped with a warning naming why. Returns how many resumed.
   * On a shared store a chain whose job is running is left to the node that runs it (or takes it
   * over), and one past this node's caps is left to the others, not dropped.
   */
  restore(): number {
    const rows = this.#deps.store.listLiveChains(this.#max + 1_000);
    let resumed = 0;
    for (const row of rows) {
      const running = this.#shared ? this.#deps.store.getJob(row.current) : undefined;
      if (running && running.outcome === undefined) continue;
      let chain: Chain;
      try {
        chain = this.#resumable(row);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        if (this.#shared && error instanceof ChainCapError) {
          this.#deps.logger.info(`live chain ${row.id} left to the other coordinators: ${why}`);
          continue;
        }
        this.#deps.logger.warn(`live chain ${String(row.id).slice(0, 64)} dropped: ${why}`);
        this.#deps.store.deleteLiveChain(row.id);
        continue;
      }
      const current = this.#deps.store.getJob(chain.current) as JobRow;
      this.#register(chain);
      resumed++;
      const lastId = current.outcome?.status === "done" || current.outcome?.status === "failed" ? chain.current : row.last;
      const last = lastId === undefined ? undefined : this.#deps.view(lastId);
      if (last) chain.last = this.#event(chain, last);
      if (current.outcome?.status === "cancelled") {
        this.#end(chain);
        continue;
      }
      // A running job's end takes the newest version; an ended one's chain moves on now.
      const latest = this.#latest(chain.dataset);
      if (latest !== chain.dataset && !chain.running) this.#rerun(chain, latest);
    }
    if (rows.length > 0) this.#deps.logger.info(`${resumed} live chains resumed`);
    return resumed;
  }

  /** The chain a stored row describes, or a throw saying why it is not one. */
  #resumable(row: LiveChainRow, capped = true): Chain {
    const { store } = this.#deps;
    if (typeof row.owner !== "string" || row.owner.length > MAX_OWNER_CHARS) throw new Error(`its owner is not a token hash of at most ${MAX_OWNER_CHARS} characters`);
    if (this.#byJob.has(row.id) || this.#byJob.has(row.current)) throw new Error(`its jobs belong to another chain`);
    if (capped && this.#chains.size >= this.#max) throw new ChainCapError(`this coordinator keeps at most ${this.#max} live chains`);
    if (capped && [...this.#chains.values()].filter((chain) => chain.owner === row.owner).length >= this.#maxPerOwner) {
      throw new ChainCapError(`its token already has ${this.#maxPerOwner} live chains, the most one token may keep`);
    }
    const first = store.getJob(row.id);
    if (!first) throw new Error(`its first job ${row.id} does not exist`);
    const spec = (() => {
      try {
        return parseJobSpec(JSON.parse(first.spec));
      } catch (error) {
        throw new Error(`its job's spec is refused: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
    const sameJob = (id: JobId | undefined, name: string): JobRow | undefined => {
      if (id === undefined) return undefined;
      const job = store.getJob(id);
      if (!job) throw new Error(`its ${name} job ${id} does not exist`);
      if (job.spec !== first.spec || job.replicas !== first.replicas || job.quorum !== first.quorum) throw new Error(`its ${name} job ${id} runs another spec than its first job`);
      if (!this.#descends(job.dataset, first.dataset)) throw new Error(`its ${name} job ${id} runs on a dataset that is not a version of its first job's`);
      return job;
    };
    const current = sameJob(row.current, "current") as JobRow;
    sameJob(row.last, "last");
    const request: JobRequest = { dataset: first.dataset, spec, replicas: first.replicas, quorum: first.quorum };
    return {
      id: row.id,
      owner: row.owner,
      createdAt: row.createdAt,
      request,
      current: row.current,
      running: current.outcome === undefined,
      submitting: false,
      dataset: current.dataset,
      epoch: typeof row.epoch === "number" && Number.isSafeInteger(row.epoch) ? row.epoch : 0,
      last: undefined,
      listeners: new Set(),
    };
  }

  /** Keeps a chain here, known by its first job and its current one. */
  #register(chain: Chain): void {
    this.#chains.set(chain.id, chain);
    this.#byJob.set(chain.id, chain);
    this.#byJob.set(chain.current, chain);
  }

  /**
   * The chain a stored row describes, kept here: the one this node knows, brought up to the row
   * (another node may have moved it on), or else taken from the row, past this node's caps if need
   * be. Undefined, with a warning, for a row that is not a chain (it is left in the store).
   */
  #follow(row: LiveChainRow): Chain | undefined {
    const known = this.#chains.get(row.id);
    if (known) {
      if (!known.submitting) this.#sync(known, row);
      return known;
    }
    try {
      // Not capped: the chain exists already (counted where it was submitted); an append here must still move it.
      const chain = this.#resumable(row, false);
      this.#register(chain);
      const current = this.#deps.store.getJob(chain.current);
      const lastId = current?.outcome?.status === "done" || current?.outcome?.status === "failed" ? chain.current : row.last;
      const last = lastId === undefined ? undefined : this.#deps.view(lastId);
      if (last) chain.last = this.#event(chain, last);
      return chain;
    } catch (error) {
      this.#deps.logger.warn(`live chain ${String(row.id).slice(0, 64)} not followed here: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** Brings a chain this node keeps up to its stored row: its current job, dataset and epoch as another node left them. */
  #sync(chain: Chain, row: LiveChainRow): void {
    const job = this.#deps.store.getJob(row.current);
    if (!job) return;
    if (chain.current !== chain.id) this.#byJob.delete(chain.current);
    chain.current = row.current;
    chain.epoch = row.epoch;
    chain.dataset = job.dataset;
    chain.running = job.outcome === undefined;
    this.#byJob.set(row.current, chain);
  }

  /** Another node claimed the chain first (or it stopped there): follow the stored row, or end here when there is none. */
  #lost(chain: Chain): void {
    const row = this.#deps.store.getLiveChain(chain.id);
    if (!row) {
      chain.running = false;
      if (this.#chains.has(chain.id)) this.#end(chain);
      return;
    }
    this.#sync(chain, row);
  }

  /** Whether `dataset` is `ancestor` or a version appended to it (history is a line, so following parents finds it). */
  #descends(dataset: DatasetId, ancestor: DatasetId): boolean {
    for (let id: DatasetId | undefined = dataset; id !== undefined; id = this.#deps.dataset(id)?.parent) {
      if (id === ancestor) return true;
    }
    return false;
  }

  /** The newest version appended on top of `dataset` (itself when none). */
  #latest(dataset: DatasetId): DatasetId {
    let id = dataset;
    for (let child = this.#deps.store.childOf(id); child !== undefined; child = this.#deps.store.childOf(id)) id = child;
    return id;
  }

  /** The chain a job belongs to (any of its versions), or undefined for a job that is not live. */
  chainOf(id: JobId): JobId | undefined {
    const chain = this.#byJob.get(id);
    return chain && this.#chains.has(chain.id) ? chain.id : undefined;
  }

  /** Live chains now. */
  get size(): number {
    return this.#chains.size;
  }

  /**
   * Follows a chain: the last finished version at once (if any) and the rerun under way (if any),
   * then each rerun submitted and each version finished, then `stopped` when the chain ends. Returns the unsubscribe, or undefined for no such chain.
   */
  watch(id: JobId, listener: (event: LiveEvent) => void): (() => void) | undefined {
    const chain = this.#byJob.get(id);
    if (!chain || !this.#chains.has(chain.id)) return undefined;
    chain.listeners.add(listener);
    if (chain.last) listener({ type: "version", version: chain.last });
    const current = chain.running ? this.#deps.view(chain.current) : undefined;
    if (current && (current.status === "queued" || current.status === "running")) listener({ type: "running", running: this.#running(chain, current) });
    return () => chain.listeners.delete(listener);
  }

  /** The chain a job belongs to and the chain's newest job, for the job's view; undefined for a job that is not live. */
  describe(id: JobId): { chain: JobId; current: JobId } | undefined {
    const chain = this.#byJob.get(id);
    return chain && this.#chains.has(chain.id) ? { chain: chain.id, current: chain.current } : undefined;
  }

  /** Ends the chain a job belongs to, cancelling its running rerun; false when the job is not live. */
  stop(id: JobId): boolean {
    const chain = this.#byJob.get(id);
    if (!chain || !this.#chains.has(chain.id)) return false;
    this.#end(chain);
    if (chain.running) this.#cancel(chain.current);
    return true;
  }

  /** Cancels a job; one that ended already stays as it ended. */
  #cancel(id: JobId): void {
    try {
      this.#deps.cancel(id);
    } catch (error) {
      if (!(error instanceof JobRequestError)) throw error;
    }
  }

  #end(chain: Chain): void {
    this.#deps.store.deleteLiveChain(chain.id);
    this.#chains.delete(chain.id);
    this.#byJob.delete(chain.id);
    this.#byJob.delete(chain.current);
    for (const listener of chain.listeners) listener({ type: "stopped" });
    chain.listeners.clear();
  }

  #finished(view: JobView): void {
    let chain = this.#byJob.get(view.id);
    if (!chain && this.#shared) {
      // A job this node took over from another coordinator may be a chain's current one: the chain comes with it.
      const row = this.#deps.store.listLiveChains(this.#max + 1_000).find((r) => r.current === view.id);
      const inFlight = row !== undefined && this.#chains.get(row.id)?.submitting === true;
      if (row && !inFlight) chain = this.#follow(row);
    }
    if (!chain) {
      if (this.#inFlight > 0) this.#early.set(view.id, view);
      return;
    }
    if (chain.current !== view.id) return;
    chain.running = false;
    const event = this.#event(chain, view);
    chain.last = event;
    for (const listener of chain.listeners) listener({ type: "version", version: event });
    if (!this.#chains.has(chain.id)) return;
    if (view.status === "cancelled") {
      this.#end(chain);
      return;
    }
    // The newest version, read from the store: appends may have come to any coordinator while the job ran.
    const next = this.#latest(chain.dataset);
    if (next !== chain.dataset) this.#rerun(chain, next);
  }

  /** The event of a chain's job under way. */
  #running(chain: Chain, view: JobView): LiveRunning {
    return { chain: chain.id, version: this.#deps.dataset(view.dataset as DatasetId)?.version ?? 1, dataset: view.dataset as DatasetId, jobId: view.id };
  }

  /** The event of one finished version of a chain. */
  #event(chain: Chain, view: JobView): LiveVersion {
    const dataset = this.#deps.dataset(view.dataset as DatasetId);
    const event: LiveVersion = {
      chain: chain.id,
      version: dataset?.version ?? 1,
      dataset: view.dataset as DatasetId,
      jobId: view.id,
      status: view.status,
      reused: view.tasks.reused ?? 0,
      total: view.tasks.total,
    };
    if (view.status === "done") event.result = JSON.parse(this.#deps.resultText(view.id)) as Json;
    return event;
  }

  /**
   * An append (to this coordinator): every stored chain whose current job has ended on an older
   * version of the dataset moves to the newest, whichever node it was submitted to. A chain whose job
   * is running is left alone: its owner takes the newest version when the job ends.
   */
  #appended(dataset: DatasetRecord): void {
    const lineage = new Set<DatasetId>();
    for (let id: DatasetId | undefined = dataset.parent; id !== undefined && !lineage.has(id); id = this.#deps.dataset(id)?.parent) lineage.add(id);
    for (const row of this.#deps.store.listLiveChains(this.#max + 1_000)) {
      // This node's own rerun of it is being submitted: that job's end takes the newest version.
      if (this.#chains.get(row.id)?.submitting) continue;
      const job = this.#deps.store.getJob(row.current);
      if (!job || job.outcome === undefined || job.outcome.status === "cancelled" || !lineage.has(job.dataset)) continue;
      const chain = this.#follow(row);
      if (chain && !chain.running) this.#rerun(chain, this.#latest(chain.dataset));
    }
  }

  /**
   * Submits the chain's job on a new version, after claiming the chain's next epoch; a chain another
   * node claimed first is followed instead. A refusal (a full grid, say) ends the chain (its listeners see `"stopped"`).
   */
  #rerun(chain: Chain, dataset: DatasetId): void {
    if (!this.#deps.store.claimLiveChain(chain.id, chain.epoch)) {
      this.#lost(chain);
      return;
    }
    chain.epoch += 1;
    chain.running = true;
    chain.submitting = true;
    chain.dataset = dataset;
    this.#inFlight += 1;
    const { id, epoch } = chain;
    const last = chain.last?.jobId;
    // The chain's row moves to the new job in the job's own transaction, under the epoch claimed, unless the chain stopped here meanwhile.
    const within = (current: JobId) => {
      if (this.#chains.has(id) && !this.#deps.store.moveLiveChain(id, epoch, current, last)) throw new ChainMovedError(id);
    };
    this.#deps.submit({ ...chain.request, dataset }, within).then(
      (view) => {
        this.#inFlight -= 1;
        chain.submitting = false;
        const stopped = !this.#chains.has(chain.id);
        // The chain is known by its first job and its latest one: older reruns are ordinary jobs.
        if (chain.current !== chain.id) this.#byJob.delete(chain.current);
        chain.current = view.id;
        if (!stopped) this.#byJob.set(view.id, chain);
        const early = this.#early.get(view.id);
        if (this.#inFlight === 0) this.#early.clear();
        if (stopped) this.#cancel(view.id);
        else {
          for (const listener of chain.listeners) listener({ type: "running", running: this.#running(chain, view) });
          if (early) this.#finished(early);
        }
      },
      (error: unknown) => {
        this.#inFlight -= 1;
        chain.submitting = false;
        if (this.#inFlight === 0) this.#early.clear();
        chain.running = false;
        if (error instanceof ChainMovedError) this.#lost(chain);
        else if (this.#chains.has(chain.id)) this.#end(chain);
      },
    );
  }
}
