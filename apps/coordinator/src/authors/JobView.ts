import type { DatasetId, JobId, JobSpec, ParamValue } from "@shoal/protocol";
import { gridSize, scriptTitle } from "@shoal/protocol";
import type { JobError, JobSnapshot, UnconfirmedError } from "@shoal/scheduler";
import type { JobRow } from "../store/Store.ts";

/** A job's status as authors see it: `queued` while it runs but no task has started or finished yet. */
export type JobStatusView = "queued" | "running" | "done" | "failed" | "cancelled";

/** A job as the HTTP API shows it. */
export interface JobView {
  id: JobId;
  dataset: DatasetId;
  status: JobStatusView;
  tasks: JobSnapshot["tasks"];
  results: JobSnapshot["results"];
  replicas: number;
  quorum: number;
  error?: JobError;
  /** While it runs: a Lua error fewer volunteers than its quorum have reported so far. */
  unconfirmedError?: UnconfirmedError;
  createdAt: string;
  finishedAt: string | null;
  spec: SpecSummary;
}

/** The parts of a job spec worth listing; the script itself is left out. */
export interface SpecSummary {
  /** The job's name, from the script's first comment line; absent when it opens without one. */
  title?: string;
  engine: string;
  params: Record<string, ParamValue[]>;
  points: number;
  split: JobSpec["split"];
  halo: number;
  batchSize: number;
  budget: number | "off";
  seed: number;
  /** The job's own wall-clock limit per task, when it set one. */
  deadlineMs?: number;
  hasReduce: boolean;
  scriptBytes: number;
}

const NO_TASKS: JobSnapshot["tasks"] = { total: 0, waiting: 0, queued: 0, running: 0, done: 0, failed: 0 };

/** Builds the view of a stored job from its live snapshot while it runs, or its stored outcome once it ended. */
export function jobView(row: JobRow, spec: SpecSummary, live: JobSnapshot | undefined): JobView {
  const base = {
    id: row.id,
    dataset: row.dataset,
    replicas: row.replicas,
    quorum: row.quorum,
    createdAt: row.createdAt,
    spec,
  };
  const outcome = row.outcome;
  if (outcome) {
    const view: JobView = { ...base, status: outcome.status, tasks: outcome.tasks, results: outcome.results, finishedAt: outcome.finishedAt };
    if (outcome.error) view.error = outcome.error;
    return view;
  }
  const tasks = live?.tasks ?? NO_TASKS;
  const started = tasks.running > 0 || tasks.done > 0 || tasks.failed > 0 || live?.unconfirmedError !== undefined;
  const view: JobView = { ...base, status: started ? "running" : "queued", tasks, results: live?.results ?? { accepted: 0, rejected: 0 }, finishedAt: null };
  if (live?.unconfirmedError) view.unconfirmedError = live.unconfirmedError;
  return view;
}

/** The summary of a validated spec. */
export function summarise(spec: JobSpec, hasReduce: boolean): SpecSummary {
  return {
    engine: spec.engine,
    params: spec.params,
    points: gridSize(spec.params),
    split: spec.split,
    halo: spec.halo,
    batchSize: spec.batchSize,
    budget: spec.budget,
    seed: spec.seed,
    hasReduce,
    scriptBytes: new TextEncoder().encode(spec.script).byteLength,
    ...optionalTitle(scriptTitle(spec.script)),
    ...(spec.deadlineMs === undefined ? {} : { deadlineMs: spec.deadlineMs }),
  };
}

function optionalTitle(title: string | undefined): { title?: string } {
  return title === undefined ? {} : { title };
}
