import type { JobId } from "@shoal/protocol";
import type { JobState, SchedulerOptions } from "@shoal/scheduler";
import { applyCommand, JobScheduler } from "@shoal/scheduler";
import type { Logger } from "../Logger.ts";
import type { JobLeases, LeaseTimes, TakenJob } from "../store/postgres/JobLeases.ts";
import { LeaseLostError } from "../store/postgres/JobLeases.ts";
import type { PostgresStore } from "../store/postgres/PostgresStore.ts";
import type { DurableScheduler } from "../volunteers/DurableScheduler.ts";

/**
 * Runs one coordinator process's share of the jobs when several share a PostgreSQL store: fences
 * every commit of its scheduler with its {@link JobLeases}, renews them on a timer, drops a job at
 * once when its lease turns out lost (a commit refused, or a renewal finding another owner), and
 * takes over jobs whose lease lapsed, rebuilding each from its last owner's scheduler snapshot and
 * log as a restart would and adopting it into its own scheduler.
 */
export class JobOwnership {
  readonly #leases: JobLeases;
  readonly #store: PostgresStore;
  readonly #scheduler: DurableScheduler;
  readonly #options: Partial<SchedulerOptions>;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  /**
   * Jobs taken over and not adopted yet: their adoption failed (the database went away between the
   * takeover and the adopt commit). Their lease is this node's and renewed, so no other node takes
   * them over: this node adopts them on a later round.
   */
  readonly #unadopted = new Map<JobId, TakenJob>();

  constructor(deps: { leases: JobLeases; store: PostgresStore; scheduler: DurableScheduler; schedulerOptions?: Partial<SchedulerOptions>; logger: Logger }) {
    this.#leases = deps.leases;
    this.#store = deps.store;
    this.#scheduler = deps.scheduler;
    this.#options = deps.schedulerOptions ?? {};
    this.#logger = deps.logger;
    this.#scheduler.guard((batch) => this.#leases.check(batch));
    // Only once committed: a job whose finishing commit failed is still running here, and still leased.
    this.#scheduler.onApplied(({ finished }) => finished.forEach((job) => this.#leases.forget(job.id)));
    this.#scheduler.onCommitFailed((error) => {
      // After the rollback, and outside the failed commit: nothing else runs before the jobs are dropped.
      if (error instanceof LeaseLostError) queueMicrotask(() => this.#drop(error.jobs));
    });
  }

  /** Renews, drops and takes over now, then every `renewMs`. */
  start(times: LeaseTimes): void {
    this.tick();
    this.#timer = setInterval(() => this.tick(), times.renewMs);
    this.#timer.unref();
  }

  /** One round: renew held leases (dropping lost jobs), then adopt jobs taken over earlier but not adopted yet, then take over lapsed ones. Never throws (a database outage is logged and retried next round). */
  tick(): void {
    try {
      this.#drop(this.#leases.renew());
      for (const taken of this.#leases.takeOver()) this.#unadopted.set(taken.jobId, taken);
      for (const taken of [...this.#unadopted.values()]) {
        // Already here when a commit that failed to answer had gone through (the scheduler was rebuilt from the store).
        if (!this.#scheduler.jobSnapshot(taken.jobId)) this.#adopt(taken);
        this.#unadopted.delete(taken.jobId);
      }
    } catch (error) {
      this.#logger.error(`job leases: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Stops the timer and lets this node's leases lapse at once, so another coordinator takes its jobs over without waiting for the TTL. */
  close(): void {
    clearInterval(this.#timer);
    try {
      this.#leases.release();
    } catch (error) {
      this.#logger.error(`job leases: could not release them: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #drop(jobs: readonly JobId[]): void {
    for (const jobId of jobs) {
      this.#leases.forget(jobId);
      this.#unadopted.delete(jobId);
      if (!this.#scheduler.jobSnapshot(jobId)) continue;
      this.#logger.info(`job ${jobId}: another coordinator owns it now; stopped here`);
      this.#scheduler.run({ type: "drop-job", jobId });
    }
  }

  /**
   * Rebuilds a job taken over and adopts it into this node's scheduler. A throw (the database
   * failing the read or the commit) leaves it for the next round, under the lease this node keeps
   * renewing: letting the lease lapse instead would need the database too, and no node takes over
   * its own lapsed lease, so a failed release left the job with no one to run it.
   */
  #adopt(taken: TakenJob): void {
    const state = this.#find(taken);
    if (!state) {
      this.#logger.error(`job ${taken.jobId}: taken over at epoch ${taken.epoch}, but no earlier owner's scheduler log holds it`);
      return;
    }
    this.#scheduler.run({ type: "adopt-job", job: state });
    this.#logger.info(`job ${taken.jobId}: taken over from ${taken.previous || "the single coordinator"} at epoch ${taken.epoch}`);
  }

  /** The job's state in the log of its last owner that logged it: normally `previous`, else earlier owners (one may have died before adopting it). */
  #find(taken: TakenJob): JobState | undefined {
    for (const node of this.#store.ownersOf(taken.jobId, taken.previous)) {
      const log = this.#store.schedulerLogOf(node);
      const restored = log.snapshot ? JobScheduler.fromJSON(log.snapshot, this.#options) : new JobScheduler(this.#options);
      for (const command of log.commands) applyCommand(restored, command);
      const state = restored.toJSON().jobs.find((job) => job.id === taken.jobId);
      if (state?.status === "running") return state;
    }
    return undefined;
  }
}
