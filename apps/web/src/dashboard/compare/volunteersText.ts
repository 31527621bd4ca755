import type { VolunteerCounts } from "@shoal/protocol";

/**
 * "2 with results taken (3 ran tasks)": the volunteers whose results were taken, then all that ran
 * any of the job's tasks. With none: "none yet" while the job runs, "not recorded" once it ended
 * (a job from before the coordinator kept a task history, or cancelled before any task started).
 */
export function volunteersText({ attempted, accepted }: VolunteerCounts, ended: boolean): string {
  if (attempted === 0) return ended ? "not recorded" : "none yet";
  return `${accepted} with results taken (${attempted} ran tasks)`;
}
