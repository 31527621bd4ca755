import type { VolunteerCounts } from "@shoal/protocol";

/** "2 with results taken (3 ran tasks)": the volunteers whose results were taken, then all that ran any of the job's tasks. */
export function volunteersText({ attempted, accepted }: VolunteerCounts): string {
  if (attempted === 0) return "none yet";
  return `${accepted} with results taken (${attempted} ran tasks)`;
}
