import type { JobView } from "@shoal/client";

/** Which jobs the list shows by status: every one, the ones still queued or running, or one ending. */
export type StatusFilter = "all" | "active" | "done" | "failed" | "cancelled";

/**
 * The jobs that match a status filter and a search text; the text matches, case-insensitively,
 * the job's title, id, engine, or its dataset's id or name.
 */
export function filterJobs(jobs: readonly JobView[], status: StatusFilter, text: string, datasetNames: ReadonlyMap<string, string>): JobView[] {
  const needle = text.trim().toLowerCase();
  return jobs.filter((job) => {
    const active = job.status === "queued" || job.status === "running";
    if (status === "active" ? !active : status !== "all" && job.status !== status) return false;
    if (needle === "") return true;
    const haystack = [job.spec.title ?? "", job.id, job.spec.engine, job.dataset, datasetNames.get(job.dataset) ?? ""];
    return haystack.some((field) => field.toLowerCase().includes(needle));
  });
}
