import type { PeerId, ShardHash } from "@shoal/protocol";
import type { JobRecord } from "./JobRecord.ts";
import type { LeaseRef } from "./LeaseBook.ts";
import { attemptOf } from "./LeaseBook.ts";
import type { SchedulerOptions } from "./SchedulerOptions.ts";

/** The peer a task is picked for: its id and the Lua engines it runs (undefined: any). */
export interface PickingPeer {
  id: PeerId;
  engines: ReadonlySet<string> | undefined;
}

/** A task chosen for a peer; `backup` when it duplicates a running one. */
export interface TaskPick {
  job: JobRecord;
  index: number;
  backup: boolean;
}

/**
 * Chooses a queued task for a peer. Fair share: jobs are tried by fewest leases per unit of
 * weight, then submission order; within a job, {@link JobRecord.pick} prefers cached shards.
 */
export function pickTask(jobs: Iterable<JobRecord>, peer: PickingPeer, shards: ReadonlySet<ShardHash>): TaskPick | undefined {
  const candidates = [...jobs]
    .filter((job) => job.state.status === "running" && job.queue.size > 0 && runs(peer, job))
    .sort((a, b) => a.running / a.state.weight - b.running / b.state.weight || a.order - b.order);
  for (const job of candidates) {
    const index = job.pick(peer.id, shards);
    if (index !== undefined) return { job, index, backup: false };
  }
  return undefined;
}

/**
 * Chooses a running task to duplicate when nothing is queued: the one running longest past its
 * job's threshold (`backupFactor` × median task time, at least `backupMinMs`) that has no backup
 * yet and that this peer has not touched.
 */
export function pickBackup(
  leases: readonly LeaseRef[],
  peer: PickingPeer,
  now: number,
  options: Pick<SchedulerOptions, "backupFactor" | "backupMinMs">,
): TaskPick | undefined {
  let best: { ref: LeaseRef; elapsed: number } | undefined;
  const thresholds = new Map<JobRecord, number>();
  const threshold = (job: JobRecord) => {
    const median = job.median();
    return Math.max(options.backupMinMs, median === undefined ? 0 : options.backupFactor * median);
  };
  for (const ref of leases) {
    const { job, index } = ref;
    const t = job.task(index);
    if (!runs(peer, job) || job.wanted(index) > 0 || t.attempts.some((a) => a.phase === "leased" && a.backup) || job.involves(t, peer.id)) continue;
    if (!thresholds.has(job)) thresholds.set(job, threshold(job));
    const elapsed = now - attemptOf(ref).start;
    if (elapsed >= (thresholds.get(job) as number) && (!best || elapsed > best.elapsed)) best = { ref, elapsed };
  }
  return best && { job: best.ref.job, index: best.ref.index, backup: true };
}

/** Whether the peer runs the job's engine; a job naming none runs anywhere, a peer naming none runs anything. */
function runs(peer: PickingPeer, job: JobRecord): boolean {
  const engine = job.state.engine;
  return engine === undefined || peer.engines === undefined || peer.engines.has(engine);
}
