import type { JobSpec, JobView, SpecSummary, TaskCounts } from "@shoal/protocol";
import { gridSize, scriptTitle } from "@shoal/protocol";
import type { JobSnapshot } from "@shoal/scheduler";
import type { JobRow } from "../store/Store.ts";

const NO_TASKS: TaskCounts = { total: 0, waiting: 0, queued: 0, running: 0, done: 0, failed: 0 };

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
