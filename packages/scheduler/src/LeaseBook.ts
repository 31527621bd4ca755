import type { PeerId } from "@shoal/protocol";
import type { JobRecord } from "./JobRecord.ts";
import type { AttemptPhase, AttemptState } from "./SchedulerState.ts";
import type { Lease } from "./types.ts";

/** Points at attempt `attempt` of task `index` of a job. */
export interface LeaseRef {
  job: JobRecord;
  index: number;
  attempt: number;
}

/** The attempt a reference points at. */
export function attemptOf(ref: LeaseRef): AttemptState {
  const t = ref.job.task(ref.index);
  const a = t.attempts[ref.attempt - 1];
  if (!a) throw new Error(`task ${t.id} has no attempt ${ref.attempt}`);
  return a;
}

/** The lease an attempt holds (or held), as handed to callers. */
export function leaseOf(ref: LeaseRef): Lease {
  const a = attemptOf(ref);
  return { jobId: ref.job.state.id, taskId: ref.job.task(ref.index).id, attempt: ref.attempt, peerId: a.peer, deadline: a.deadline, backup: a.backup };
}

/**
 * Index of the attempts that hold a lease, overall and by peer. The attempts themselves live in
 * the job state; listings come in a stable order (job, task, attempt) so replays decide alike.
 */
export class LeaseBook {
  readonly #leases = new Map<string, LeaseRef>();
  readonly #byPeer = new Map<PeerId, Set<string>>();

  add(ref: LeaseRef): void {
    const key = keyOf(ref);
    const peer = attemptOf(ref).peer;
    this.#leases.set(key, ref);
    ref.job.running++;
    let held = this.#byPeer.get(peer);
    if (!held) this.#byPeer.set(peer, (held = new Set()));
    held.add(key);
  }

  /** Moves an attempt to `phase`, releasing its lease if it held one; returns the lease as it was. */
  close(ref: LeaseRef, phase: AttemptPhase): Lease {
    const a = attemptOf(ref);
    const lease = leaseOf(ref);
    if (a.phase === "leased") {
      const key = keyOf(ref);
      this.#leases.delete(key);
      this.#byPeer.get(a.peer)?.delete(key);
      ref.job.running--;
    }
    a.phase = phase;
    return lease;
  }

  count(peer: PeerId): number {
    return this.#byPeer.get(peer)?.size ?? 0;
  }

  heldBy(peer: PeerId): LeaseRef[] {
    return sorted([...(this.#byPeer.get(peer) ?? [])].map((key) => this.#leases.get(key) as LeaseRef));
  }

  all(): LeaseRef[] {
    return sorted([...this.#leases.values()]);
  }

  ofJob(job: JobRecord): LeaseRef[] {
    return this.all().filter((ref) => ref.job === job);
  }

  /** Leases held on one task. */
  on(job: JobRecord, index: number): LeaseRef[] {
    const refs: LeaseRef[] = [];
    job.task(index).attempts.forEach((a, i) => {
      if (a.phase === "leased") refs.push({ job, index, attempt: i + 1 });
    });
    return refs;
  }
}

function keyOf(ref: LeaseRef): string {
  return `${ref.job.task(ref.index).id}#${ref.attempt}`;
}

function sorted(refs: LeaseRef[]): LeaseRef[] {
  return refs.sort((a, b) => a.job.order - b.job.order || a.index - b.index || a.attempt - b.attempt);
}
