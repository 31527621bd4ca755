import type { JobId, PeerId } from "@shoal/protocol";
import { JobScheduler } from "../JobScheduler.ts";
import type { SchedulerOptions } from "../SchedulerOptions.ts";
import type { Assignment, Effects, JobSnapshot, JobSubmission } from "../types.ts";
import { execute, lie, peerId, shardOf } from "./fixtures.ts";

/** A simulated volunteer: how many slots it has and how it misbehaves. */
export interface SimPeer {
  name: string;
  slots: number;
  /** Reports wrong values of the right shape. */
  lies?: boolean;
  /** Goes silent at this time: no results, no heartbeats. */
  diesAt?: number;
  /** Disconnects at this time; the coordinator removes it. */
  leavesAt?: number;
  /** Series keys whose shards it caches. */
  holds?: string[];
}

export interface SimOptions {
  scheduler?: Partial<SchedulerOptions>;
  /** Times at which the coordinator is "killed" and restored from its JSON snapshot. */
  restartAt?: number[];
  step?: number;
  limit?: number;
}

export interface SimRun {
  scheduler: JobScheduler;
  jobs: Map<JobId, JobSnapshot>;
  /** Results accepted per peer, counted on the peer side. */
  reported: Map<PeerId, number>;
  end: number;
}

function duration(a: Assignment): number {
  let h = 7;
  for (const c of a.taskId) h = (h * 31 + c.charCodeAt(0)) % 10_007;
  return 300 + (h % 700);
}

/** Drives a scheduler with simulated peers on a fake clock until every job stops running. */
export function simulate(submissions: readonly JobSubmission[], peers: readonly SimPeer[], options: SimOptions = {}): SimRun {
  const { step = 100, limit = 3_600_000, restartAt = [] } = options;
  let scheduler = new JobScheduler(options.scheduler);
  const running = new Map<PeerId, Array<{ a: Assignment; doneAt: number }>>();
  const reported = new Map<PeerId, number>();
  const left = new Set<PeerId>();
  const drop = (fx: Effects) => {
    for (const lease of fx.cancel) {
      const list = running.get(lease.peerId) ?? [];
      running.set(lease.peerId, list.filter(({ a }) => !(a.taskId === lease.taskId && a.attempt === lease.attempt)));
    }
  };
  for (const p of peers) {
    const id = peerId(p.name);
    scheduler.addPeer(id);
    scheduler.setPeerShards(id, (p.holds ?? []).map(shardOf));
    running.set(id, []);
  }
  for (const s of submissions) scheduler.submitJob(s);
  let now = 0;
  for (; now < limit; now += step) {
    for (const p of peers) {
      const id = peerId(p.name);
      if (p.diesAt !== undefined && now >= p.diesAt) continue;
      if (p.leavesAt !== undefined && now >= p.leavesAt) {
        if (!left.has(id)) drop(scheduler.removePeer(id));
        left.add(id);
        running.set(id, []);
        continue;
      }
      const mine = running.get(id) ?? [];
      running.set(id, mine.filter((r) => r.doneAt > now));
      for (const { a } of mine.filter((r) => r.doneAt <= now)) {
        const outcome = scheduler.submitResult(id, a.taskId, a.attempt, p.lies ? lie(a.task) : execute(a.task), now);
        if (outcome.status === "accepted") reported.set(id, (reported.get(id) ?? 0) + 1);
        drop(outcome);
      }
      scheduler.heartbeat(id, now);
      const free = p.slots - (running.get(id)?.length ?? 0);
      const grant = scheduler.requestWork(id, free, now);
      drop(grant);
      running.get(id)?.push(...grant.assignments.map((a) => ({ a, doneAt: now + duration(a) })));
    }
    drop(scheduler.tick(now));
    if (restartAt.includes(now)) scheduler = JobScheduler.fromJSON(JSON.parse(JSON.stringify(scheduler.toJSON())), options.scheduler);
    if (submissions.every((s) => scheduler.jobSnapshot(s.id)?.status !== "running")) break;
  }
  const jobs = new Map(submissions.map((s) => [s.id, scheduler.jobSnapshot(s.id) as JobSnapshot]));
  return { scheduler, jobs, reported, end: now };
}
