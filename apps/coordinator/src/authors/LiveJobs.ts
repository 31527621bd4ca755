import type { DatasetId, JobId, JobView, Json } from "@shoal/protocol";
import type { DatasetRecord } from "../store/Store.ts";
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

/** The jobs {@link LiveJobs} drives: submit, cancel, results and the end of every job. */
export interface LiveJobsDeps {
  submit(request: JobRequest): Promise<JobView>;
  cancel(id: JobId): JobView;
  resultText(id: JobId): string;
  dataset(id: DatasetId): DatasetRecord | undefined;
  onFinished(listener: (view: JobView) => void): () => void;
  onAppended(listener: (dataset: DatasetRecord) => void): () => void;
}

interface Chain {
  id: JobId;
  /** Who submitted it (the author token's hash): the per-token cap counts chains by it. */
  owner: string;
  request: JobRequest;
  /** The job running now, or the last one when none runs. */
  current: JobId;
  running: boolean;
  /** The newest version appended while a job ran: the one the next rerun takes (older ones are skipped). */
  pending: DatasetId | undefined;
  /** The dataset the last submitted job ran on: an append to it starts a rerun. */
  dataset: DatasetId;
  last: LiveVersion | undefined;
  listeners: Set<(event: LiveVersion | "stopped") => void>;
}

/**
 * Live jobs: a job submitted with `live: true` is rerun on every version appended to its dataset,
 * as a new job on the new version (so the task memo reuses what did not change). At most one rerun
 * per chain runs at a time; appends that come while it runs are coalesced into one rerun on the
 * latest version, so no version's data is lost and none is run twice. Each finished job is one
 * {@link LiveVersion} event to the chain's listeners: one per version, never per task. Chains live
 * in memory: a coordinator restart ends them (their jobs stay, as ordinary jobs).
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

  constructor(deps: LiveJobsDeps, maxLiveJobs: number, maxPerOwner = maxLiveJobs) {
    this.#deps = deps;
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
      const view = await this.#deps.submit(request);
      const chain: Chain = { id: view.id, owner, request, current: view.id, running: true, pending: undefined, dataset: view.dataset as DatasetId, last: undefined, listeners: new Set() };
      this.#chains.set(chain.id, chain);
      this.#byJob.set(view.id, chain);
      return view;
    } finally {
      const left = (this.#reserved.get(owner) ?? 1) - 1;
      if (left > 0) this.#reserved.set(owner, left);
      else this.#reserved.delete(owner);
    }
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
   * Follows a chain: the last finished version at once (if any), then each new one, then
   * `"stopped"` when the chain ends. Returns the unsubscribe, or undefined for no such chain.
   */
  watch(id: JobId, listener: (event: LiveVersion | "stopped") => void): (() => void) | undefined {
    const chain = this.#byJob.get(id);
    if (!chain || !this.#chains.has(chain.id)) return undefined;
    chain.listeners.add(listener);
    if (chain.last) listener(chain.last);
    return () => chain.listeners.delete(listener);
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
    this.#chains.delete(chain.id);
    this.#byJob.delete(chain.id);
    this.#byJob.delete(chain.current);
    for (const listener of chain.listeners) listener("stopped");
    chain.listeners.clear();
  }

  #finished(view: JobView): void {
    const chain = this.#byJob.get(view.id);
    if (!chain) {
      if (this.#inFlight > 0) this.#early.set(view.id, view);
      return;
    }
    if (chain.current !== view.id) return;
    chain.running = false;
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
    chain.last = event;
    for (const listener of chain.listeners) listener(event);
    if (!this.#chains.has(chain.id)) return;
    if (view.status === "cancelled") {
      this.#end(chain);
      return;
    }
    const next = chain.pending;
    chain.pending = undefined;
    if (next) this.#rerun(chain, next);
  }

  #appended(dataset: DatasetRecord): void {
    for (const chain of this.#chains.values()) {
      if (dataset.parent !== chain.dataset && dataset.parent !== chain.pending) continue;
      if (chain.running) chain.pending = dataset.id;
      else this.#rerun(chain, dataset.id);
    }
  }

  /** Submits the chain's job on a new version; a refusal (a full grid, say) ends the chain (its listeners see `"stopped"`). */
  #rerun(chain: Chain, dataset: DatasetId): void {
    chain.running = true;
    chain.dataset = dataset;
    this.#inFlight += 1;
    this.#deps.submit({ ...chain.request, dataset }).then(
      (view) => {
        this.#inFlight -= 1;
        const stopped = !this.#chains.has(chain.id);
        // The chain is known by its first job and its latest one: older reruns are ordinary jobs.
        if (chain.current !== chain.id) this.#byJob.delete(chain.current);
        chain.current = view.id;
        if (!stopped) this.#byJob.set(view.id, chain);
        const early = this.#early.get(view.id);
        if (this.#inFlight === 0) this.#early.clear();
        if (stopped) this.#cancel(view.id);
        else if (early) this.#finished(early);
      },
      () => {
        this.#inFlight -= 1;
        if (this.#inFlight === 0) this.#early.clear();
        chain.running = false;
        if (this.#chains.has(chain.id)) this.#end(chain);
      },
    );
  }
}
