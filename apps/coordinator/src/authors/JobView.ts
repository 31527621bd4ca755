import type { JobSpec, JobView, SpecSummary, TaskCounts } from "@shoal/protocol";
import { gridSize, scriptTitle } from "@shoal/protocol";
import type { JobSnapshot } from "@shoal/scheduler";
import type { JobRow } from "../store/Store.ts";

const NO_TASKS: TaskCounts = { total: 0, waiting: 0, queued: 0, running: 0, done: 0, failed: 0 };

/**
 * What the view of a running job shows of its progress: the snapshot of the scheduler running it
 * here, or (on PostgreSQL) what the coordinator running it published (`ProgressReader`).
 */
export type JobProgress = Pick<JobSnapshot, "tasks" | "results" | "unconfirmedError"> & {
  /** The status its publisher worked out (it alone knows of a pending Lua error, which it does not publish). */
  publishedStatus?: "queued" | "running";
};

/** A running job is `running` once any task ran or failed (or a Lua error is pending), `queued` before. */
export function progressStatus(live: JobProgress | undefined): "queued" | "running" {
  if (live?.publishedStatus) return live.publishedStatus;
  const tasks = live?.tasks ?? NO_TASKS;
  return tasks.running > 0 || tasks.done > 0 || tasks.failed > 0 || live?.unconfirmedError !== undefined ? "running" : "queued";
}

/** Builds the view of a stored job from its progress while it runs, or its stored outcome once it ended. */
export function jobView(row: JobRow, spec: SpecSummary, live: JobProgress | undefined): JobView {
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
  const view: JobView = { ...base, status: progressStatus(live), tasks: live?.tasks ?? NO_TASKS, results: live?.results ?? { accepted: 0, rejected: 0 }, finishedAt: null };
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
