import type { AttemptView } from "@shoal/protocol";

/**
 * The timeline's attempts after a `?since=` answer: each changed attempt replaces the one it
 * was (by task and attempt number) or joins the list, which stays in start order and keeps only
 * its latest `cap` attempts, as a full answer would.
 */
export function mergeAttempts(held: readonly AttemptView[], changed: readonly AttemptView[], cap: number): AttemptView[] {
  if (changed.length === 0) return [...held];
  const byKey = new Map(held.map((a) => [`${a.task}#${a.attempt}`, a]));
  for (const a of changed) byKey.set(`${a.task}#${a.attempt}`, a);
  const all = [...byKey.values()].sort((a, b) => a.start - b.start || a.task - b.task || a.attempt - b.attempt);
  return all.slice(Math.max(0, all.length - cap));
}
