import { JobRequestError } from "../authors/JobRequestError.ts";
import type { AuthorLimits } from "./AuthorLimits.ts";
import type { JobMeasure } from "./measureJob.ts";

/**
 * Refuses (400) a job past a per-job limit, naming the limit and the job's own figure. A graph job
 * gives only its task count: its points and plan are bounded by its body's size.
 */
export function checkJobLimits(job: Pick<JobMeasure, "tasks"> & Partial<JobMeasure>, limits: AuthorLimits): void {
  if (job.points !== undefined && job.points > limits.maxPoints) {
    refuse(`this job's parameter grid has ${count(job.points)} points; the limit is ${count(limits.maxPoints)} per job`);
  }
  if (job.tasks > limits.maxTasksPerJob) {
    const how = job.slices === undefined || job.points === undefined ? "" : ` (${count(job.slices)} slices of the data × ${count(job.points)} points)`;
    refuse(`this job would plan ${count(job.tasks)} tasks${how}; the limit is ${count(limits.maxTasksPerJob)} per job`);
  }
  if (job.planChars !== undefined && job.planChars > limits.maxPlanChars) {
    refuse(`this job's plan would take ${megabytes(job.planChars)} (its tasks with their parameter points); the limit is ${megabytes(limits.maxPlanChars)} per job`);
  }
}

/** Refuses (429) a job that fits alone but not beside the `queued` tasks running jobs already hold. */
export function checkQueueLimit(tasks: number, queued: number, limits: AuthorLimits): void {
  if (queued + tasks <= limits.maxQueuedTasks) return;
  throw new JobRequestError(
    `this job would plan ${count(tasks)} tasks and running jobs hold ${count(queued)}; the limit is ${count(limits.maxQueuedTasks)} tasks queued in total (submit again when jobs finish)`,
    { status: 429 },
  );
}

function refuse(message: string): never {
  throw new JobRequestError(message);
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function megabytes(chars: number): string {
  return `${(chars / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 })} MB`;
}
