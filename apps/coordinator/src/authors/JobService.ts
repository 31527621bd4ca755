import type { CheckResult, DatasetId, EngineName, JobId, JobSpec, JobView, SpecSummary } from "@shoal/protocol";
import { asJobId, JobSpecError, parseJobSpec } from "@shoal/protocol";
import type { LuaEngine } from "@shoal/lua";
import type { JobSnapshot, TaskGraph } from "@shoal/scheduler";
import { planJob, TaskGraphError } from "@shoal/scheduler";
import type { Series } from "@shoal/timeseries";
import type { DatasetService } from "../datasets/DatasetService.ts";
import { TaskMemo } from "./TaskMemo.ts";
import type { AuthorLimits } from "../limits/AuthorLimits.ts";
import { checkJobLimits, checkQueueLimit } from "../limits/checkJobLimits.ts";
import { measureJob } from "../limits/measureJob.ts";
import { newId } from "../newId.ts";
import type { ScriptProbe } from "../probe/ScriptProbe.ts";
import type { DatasetRecord, JobRow, Store } from "../store/Store.ts";
import { bindGraph } from "./bindGraph.ts";
import type { DurableScheduler } from "../volunteers/DurableScheduler.ts";
import { JobRequestError } from "./JobRequestError.ts";
import type { JobProgress } from "./JobView.ts";
import { jobView, summarise } from "./JobView.ts";
import type { ParsedGraphRequest } from "./parseGraphRequest.ts";

/** A job submission as the API takes it: a dataset id, a spec to validate, and optional replication. */
export interface JobRequest {
  dataset: string;
  spec: unknown;
  replicas?: number;
  quorum?: number;
  /** Rerun on every version appended to the dataset (see LiveJobs); the job service itself ignores it. */
  live?: boolean;
}

/** Where the progress of jobs run by other coordinators on the same database is read (`ProgressReader`). */
export interface RemoteProgress {
  read(ids: readonly JobId[]): ReadonlyMap<JobId, JobProgress>;
}

/**
 * Jobs from the author's side: validates a submission, sizes it against the author limits before
 * anything is allocated, compiles it (running its top level on the probe's thread), plans it over
 * the dataset's series and hands it to the scheduler (its row and the submit command in one
 * transaction); answers views, results and cancellations; and tells listeners when a job ends.
 */
export class JobService {
  readonly #store: Store;
  readonly #scheduler: DurableScheduler;
  readonly #datasets: DatasetService;
  readonly #engines: (name: EngineName) => Promise<LuaEngine>;
  readonly #probe: ScriptProbe;
  readonly #limits: AuthorLimits;
  readonly #specs = new Map<JobId, JobSpec>();
  readonly #summaries = new Map<JobId, SpecSummary>();
  readonly #listeners = new Set<(view: JobView) => void>();
  readonly #running: Set<JobId>;
  readonly #memo: TaskMemo;
  readonly #remote: RemoteProgress | undefined;

  /** `engines` gives a ready engine by name (such as `prepareEngine`), to compile each job with its own engine; `probe` runs its top level. */
  constructor(deps: { store: Store; scheduler: DurableScheduler; datasets: DatasetService; engines: (name: EngineName) => Promise<LuaEngine>; probe: ScriptProbe; limits: AuthorLimits; remote?: RemoteProgress }) {
    this.#store = deps.store;
    this.#remote = deps.remote;
    this.#scheduler = deps.scheduler;
    this.#datasets = deps.datasets;
    this.#engines = deps.engines;
    this.#probe = deps.probe;
    this.#limits = deps.limits;
    this.#running = new Set(this.#scheduler.runningJobIds());
    this.#memo = new TaskMemo(this.#store, deps.limits.maxTaskMemos);
    this.#scheduler.withinJobDone((id, tasks) => {
      const spec = this.spec(id);
      const row = this.#store.getJob(id);
      if (spec && row) this.#memo.record(spec, row.quorum, tasks);
    });
    this.#scheduler.onApplied(({ command, finished }) => {
      // Jobs taken over from, or lost to, another coordinator on the same database.
      if (command.type === "adopt-job") this.#running.add(command.job.id);
      if (command.type === "drop-job") {
        this.#running.delete(command.jobId);
        this.#specs.delete(command.jobId);
      }
      for (const { id } of finished) {
        this.#specs.delete(id);
        this.#running.delete(id);
        const view = this.view(id);
        if (view) for (const listener of this.#listeners) listener(view);
      }
    });
  }

  /** Compiles a script without running it, on the engine its job would name. */
  async check(script: string, engine: EngineName = "fengari"): Promise<CheckResult> {
    const checked = (await this.#engines(engine)).check(script);
    return checked.ok ? { ok: true } : { ok: false, error: { message: checked.error.message, line: checked.error.line ?? null } };
  }

  /** Validates, plans and enqueues a job; `within` runs in the transaction that stores its row (a live chain's row moves with it). */
  async submit(request: JobRequest, within?: (id: JobId) => void): Promise<JobView> {
    const dataset = this.#dataset(request.dataset);
    const spec = this.#parseSpec(request.spec);
    this.#checkSize(spec, dataset, false);
    const hasReduce = await this.#compile(spec);
    this.#checkSize(spec, dataset, hasReduce);
    const id = asJobId(newId("j"));
    const planned = await this.#datasets.plannedSeries(dataset);
    const graph = planJob(id, spec, planned, hasReduce);
    // Every job leaves its outputs for later versions; only a job on an appended version reuses them.
    const reuse = dataset.parent === undefined ? undefined : { quorum: request.quorum ?? 1 };
    const byKey = new Map(planned.map((p) => [p.key, p.series]));
    this.#memo.prepare(graph, spec, reuse, (key) => byKey.get(key) as Series);
    return this.#enqueue({ id, dataset: dataset.id, spec, hasReduce, graph, replicas: request.replicas, quorum: request.quorum }, within);
  }

  /** Submits a general task graph: its map tasks read the dataset's series by key, its result is the graph's result. */
  async submitGraph(request: ParsedGraphRequest): Promise<JobView> {
    const dataset = this.#dataset(request.dataset);
    const spec = this.#parseSpec(request.spec);
    checkJobLimits({ tasks: request.tasks.length }, this.#limits);
    checkQueueLimit(request.tasks.length, this.#scheduler.taskCount, this.#limits);
    const id = asJobId(newId("j"));
    const graph = bindGraph(id, request, dataset.series);
    const hasReduce = await this.#compile(spec);
    if (!hasReduce && graph.tasks.some((task) => task.work.kind === "reduce")) throw new JobRequestError("the graph has reduce tasks but the script defines no global function reduce");
    return this.#enqueue({ id, dataset: dataset.id, spec, hasReduce, graph, replicas: request.replicas, quorum: request.quorum });
  }

  view(id: JobId): JobView | undefined {
    const row = this.#store.getJob(id);
    return row && this.#views([row])[0];
  }

  list(limit: number): JobView[] {
    return this.#views(this.#store.listJobs(limit));
  }

  /** Cancels a running job; cancelling a cancelled job again is fine, a finished one is a 409, and so is one another coordinator owns. */
  cancel(id: JobId): JobView {
    const row = this.#store.getJob(id);
    if (!row) throw new JobRequestError(`no job ${id}`, { status: 404 });
    if (row.outcome && row.outcome.status !== "cancelled") throw new JobRequestError(`job ${id} is already ${row.outcome.status}`, { status: 409 });
    if (!row.outcome && !this.#scheduler.jobSnapshot(id)) {
      throw new JobRequestError(`job ${id} is run by another coordinator on this database; cancel it there`, { status: 409 });
    }
    if (!row.outcome) this.#scheduler.run({ type: "cancel-job", jobId: id });
    return this.view(id) as JobView;
  }

  /** The result of a done job as JSON text; a 404 or 409 otherwise. */
  resultText(id: JobId): string {
    const row = this.#store.getJob(id);
    if (!row) throw new JobRequestError(`no job ${id}`, { status: 404 });
    const result = row.outcome?.status === "done" ? this.#store.jobResult(id) : undefined;
    if (result === undefined) throw new JobRequestError(`job ${id} is ${this.#views([row])[0]!.status}, not done`, { status: 409 });
    return result;
  }

  /** The validated spec of a job, as sent to workers before its first assignment. */
  spec(id: JobId): JobSpec | undefined {
    let spec = this.#specs.get(id);
    if (!spec) {
      const row = this.#store.getJob(id);
      if (!row) return undefined;
      spec = JSON.parse(row.spec) as JobSpec;
      if (!row.outcome) this.#specs.set(id, spec);
    }
    return spec;
  }

  /** Live snapshots of the jobs still running. */
  active(): JobSnapshot[] {
    return [...this.#running].flatMap((id) => this.#scheduler.jobSnapshot(id) ?? []);
  }

  /** Called with the final view of every job that ends. */
  onFinished(listener: (view: JobView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #dataset(id: string): DatasetRecord {
    const dataset = this.#datasets.get(id as DatasetId);
    if (!dataset) throw new JobRequestError(`no dataset ${JSON.stringify(id)}`, { status: 404 });
    return dataset;
  }

  /** Stores the job's row (and whatever `within` writes) and submits its graph in one transaction. */
  #enqueue(job: { id: JobId; dataset: DatasetId; spec: JobSpec; hasReduce: boolean; graph: TaskGraph; replicas: number | undefined; quorum: number | undefined }, within?: (id: JobId) => void): JobView {
    const { id, spec, hasReduce, graph } = job;
    const row: JobRow = {
      id,
      dataset: job.dataset,
      spec: JSON.stringify(spec),
      hasReduce,
      replicas: job.replicas ?? 1,
      quorum: job.quorum ?? 1,
      createdAt: new Date().toISOString(),
    };
    checkQueueLimit(graph.tasks.length, this.#scheduler.taskCount, this.#limits);
    this.#specs.set(id, spec);
    this.#running.add(id);
    try {
      const submission = { id, graph, replicas: row.replicas, quorum: row.quorum, engine: spec.engine, resultBytes: spec.resultBytes };
      this.#scheduler.run({ type: "submit-job", job: submission }, () => {
        this.#store.insertJob(row);
        within?.(id);
      });
    } catch (error) {
      this.#specs.delete(id);
      this.#running.delete(id);
      if (error instanceof RangeError || error instanceof TaskGraphError) throw new JobRequestError(error.message);
      throw error;
    }
    return this.view(id) as JobView;
  }

  #view(row: JobRow, live?: JobProgress): JobView {
    let summary = this.#summaries.get(row.id);
    if (!summary) {
      summary = summarise(this.#specs.get(row.id) ?? (JSON.parse(row.spec) as JobSpec), row.hasReduce);
      this.#summaries.set(row.id, summary);
    }
    return jobView(row, summary, row.outcome ? undefined : (live ?? this.#scheduler.jobSnapshot(row.id)));
  }

  /** Views of stored jobs: running ones from this scheduler, or else (another coordinator runs them) from their published progress, read for all at once. */
  #views(rows: readonly JobRow[]): JobView[] {
    const elsewhere = this.#remote ? rows.filter((row) => !row.outcome && !this.#scheduler.jobSnapshot(row.id)).map((row) => row.id) : [];
    const remote = elsewhere.length > 0 && this.#remote ? this.#remote.read(elsewhere) : undefined;
    return rows.map((row) => this.#view(row, remote?.get(row.id)));
  }

  #parseSpec(input: unknown): JobSpec {
    try {
      return parseJobSpec(input);
    } catch (error) {
      if (error instanceof JobSpecError) throw new JobRequestError(error.message);
      throw error;
    }
  }

  /** Refuses a job past an author limit, from the spec and the dataset's metadata alone (no shard is read, nothing planned). */
  #checkSize(spec: JobSpec, dataset: DatasetRecord, hasReduce: boolean): void {
    const measure = measureJob(spec, dataset.series, hasReduce);
    checkJobLimits(measure, this.#limits);
    checkQueueLimit(measure.tasks, this.#scheduler.taskCount, this.#limits);
  }

  /**
   * Compiles the script here, then runs its top level once on the probe's thread (under a small
   * budget, a deadline and a memory cap) on the job's own engine, to learn whether it defines
   * `reduce`; a script only one engine accepts is judged by that one.
   */
  async #compile(spec: JobSpec): Promise<boolean> {
    const checked = (await this.#engines(spec.engine)).check(spec.script);
    if (!checked.ok) throw new JobRequestError(checked.error.message, checked.error.line === undefined ? {} : { line: checked.error.line });
    return this.#probe.probe(spec);
  }
}
