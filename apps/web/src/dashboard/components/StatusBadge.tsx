import type { JobStatus } from "@shoal/client";

/** A job's status as a coloured badge. */
export function StatusBadge({ status }: { status: JobStatus }) {
  return (
    <span className={`badge badge-${status}`} data-testid="job-status">
      {status}
    </span>
  );
}
