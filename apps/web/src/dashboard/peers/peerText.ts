import type { PeerView } from "@shoal/client";

/** `browser` → `Browser`, `node` → `Node`; a peer whose hello did not say shows `—`. */
export function runtimeText(runtime: PeerView["runtime"]): string {
  if (runtime === "browser") return "Browser";
  if (runtime === "node") return "Node";
  return "—";
}

/** `12 tasks/min · 1.4 s each` from the coordinator's measured speed; `—` when nothing was accepted in the window. */
export function speedText(speed: PeerView["speed"]): string {
  if (speed.tasksPerMinute === 0) return "—";
  const rate = `${speed.tasksPerMinute} task${speed.tasksPerMinute === 1 ? "" : "s"}/min`;
  return speed.meanTaskMs === null ? rate : `${rate} · ${seconds(speed.meanTaskMs)} each`;
}

/** How long ago a peer was heard from, `4 s ago`, from an ISO time and now (ms). */
export function heardText(time: string, now: number): string {
  const ago = Math.max(0, Math.round((now - Date.parse(time)) / 1000));
  return ago < 120 ? `${ago} s ago` : `${Math.round(ago / 60)} min ago`;
}

/** Tasks a peer holds past those listed, as `+3 more`; empty when all are listed. */
export function moreTasksText(peer: Pick<PeerView, "leases" | "tasks">): string {
  const more = peer.leases - peer.tasks.length;
  return more > 0 ? `+${more} more` : "";
}

function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
