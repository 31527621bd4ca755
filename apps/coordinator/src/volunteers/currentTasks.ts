import type { CurrentTask, JobId, JobSpec } from "@shoal/protocol";
import { scriptTitle } from "@shoal/protocol";
import type { Lease } from "@shoal/scheduler";

/** Tasks listed per peer on the peers page; its lease count says how many it holds in all. */
export const MAX_LISTED_TASKS = 8;

/** The first {@link MAX_LISTED_TASKS} of `leases`, with their jobs' titles (looked up once per job). */
export function currentTasks(leases: readonly Lease[], spec: (jobId: JobId) => JobSpec | undefined): CurrentTask[] {
  const titles = new Map<JobId, string | undefined>();
  return leases.slice(0, MAX_LISTED_TASKS).map(({ jobId, taskId, attempt }) => {
    if (!titles.has(jobId)) {
      const script = spec(jobId)?.script;
      titles.set(jobId, script === undefined ? undefined : scriptTitle(script));
    }
    const title = titles.get(jobId);
    const task = taskId.startsWith(`${jobId}/`) ? taskId.slice(jobId.length + 1) : taskId;
    return { jobId, ...(title === undefined ? {} : { title }), task, attempt };
  });
}
