import type { AttemptOutcome } from "@shoal/protocol";

/** The colour and the words for each way an attempt can end, shared by the timeline and the task table. */
export const OUTCOMES: Record<AttemptOutcome, { colour: string; label: string }> = {
  running: { colour: "#1a8fc2", label: "running" },
  result: { colour: "#2f8f46", label: "result" },
  late: { colour: "#8fbf9a", label: "late result" },
  rejected: { colour: "#8a3fa0", label: "rejected" },
  error: { colour: "#b23b3b", label: "Lua error" },
  timeout: { colour: "#c29b1a", label: "timed out" },
  disconnect: { colour: "#c2571a", label: "volunteer left" },
  cancelled: { colour: "#8c96a3", label: "cancelled" },
};
