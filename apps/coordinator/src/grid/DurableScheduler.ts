import type { JobId, PeerId } from "@shoal/protocol";
import type { CommandOutcomes, Effects, JobSnapshot, Lease, PeerSnapshot, SchedulerCommand, SchedulerOptions, SchedulerState } from "@shoal/scheduler";
import { applyCommand, JobScheduler } from "@shoal/scheduler";
import type { JobOutcome, Store } from "../store/Store.ts";

/** A job that ended during a command; its outcome is already stored and the scheduler has forgotten it. */
export interface FinishedJob {
  id: JobId;
  outcome: JobOutcome;
}

/** What one logged command did, for whoever must tell peers or watchers. */
export interface Applied extends Effects {
  command: SchedulerCommand;
  /** Leases that ran out or whose peer left, from `tick` and `remove-peer`. */
  expired: number;
  finished: FinishedJob[];
}

/**
 * The {@link JobScheduler} made durable: every state-changing command is applied, then written to
 * the store's command log in one transaction with whatever the caller records alongside and with
 * the outcome of any job it finished (which the scheduler then forgets) — all before the caller
 * sends anything. Every `snapshotEvery` commands the state is snapshotted and the log truncated;
 * {@link DurableScheduler.open} restores the snapshot and replays the log.
 */
export class DurableScheduler {
  readonly #store: Store;
  readonly #options: Partial<SchedulerOptions>;
  readonly #snapshotEvery: number;
  readonly #listeners = new Set<(applied: Applied) => void>();
  #scheduler: JobScheduler;
  #lastSeq = 0;
  #sinceSnapshot = 0;

  private constructor(store: Store, options: Partial<SchedulerOptions>, snapshotEvery: number) {
    this.#store = store;
    this.#options = options;
    this.#snapshotEvery = snapshotEvery;
    this.#scheduler = this.#restore();
    if (this.#sinceSnapshot > 0) this.snapshot();
  }

  /** Restores the scheduler from the store (snapshot plus log), compacting the log into a new snapshot. */
  static open(store: Store, options: Partial<SchedulerOptions> = {}, snapshotEvery = 500): DurableScheduler {
    return new DurableScheduler(store, options, snapshotEvery);
  }

  /** Called after each logged command with its effects. */
  onApplied(listener: (applied: Applied) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Applies a command and logs it, with `write` run inside the same transaction. Commands that
   * change nothing (a tick that expires nothing, a duplicate or stale report) are not logged, and
   * their `write` is not run.
   * If the transaction fails, the scheduler is rebuilt from the store and the error rethrown.
   */
  run<C extends SchedulerCommand>(command: C, write?: () => void): CommandOutcomes[C["type"]] {
    const slotsBefore = command.type === "request-work" ? this.#scheduler.peerSnapshot(command.peerId).slots : 0;
    const outcome = applyCommand(this.#scheduler, command);
    if (!changesState(command, outcome, () => this.#scheduler.peerSnapshot((command as { peerId: PeerId }).peerId).slots !== slotsBefore)) {
      return outcome;
    }
    const fx = effectsOf(outcome);
    const finished = this.#finished(command, fx);
    let logged = 0;
    try {
      this.#store.transaction(() => {
        write?.();
        this.#lastSeq = this.#store.appendCommand(command);
        for (const job of finished) {
          this.#store.finishJob(job.id, job.outcome);
          const forget: SchedulerCommand = { type: "forget-job", jobId: job.id };
          applyCommand(this.#scheduler, forget);
          this.#lastSeq = this.#store.appendCommand(forget);
        }
        logged = 1 + finished.length;
      });
    } catch (error) {
      this.#scheduler = this.#restore();
      throw error;
    }
    this.#sinceSnapshot += logged;
    if (this.#sinceSnapshot >= this.#snapshotEvery) this.snapshot();
    const expired = "expired" in fx ? (fx.expired as unknown[]).length : 0;
    const applied: Applied = { command, cancel: fx.cancel, events: fx.events, expired, finished };
    for (const listener of this.#listeners) listener(applied);
    return outcome;
  }

  /** Stores the whole state and truncates the log. */
  snapshot(): void {
    this.#store.saveSnapshot(this.#scheduler.toJSON(), this.#lastSeq);
    this.#sinceSnapshot = 0;
  }

  jobSnapshot(id: JobId): JobSnapshot | undefined {
    return this.#scheduler.jobSnapshot(id);
  }

  peerSnapshot(id: PeerId): PeerSnapshot {
    return this.#scheduler.peerSnapshot(id);
  }

  /** Leases one peer holds now. */
  leases(peerId: PeerId): Lease[] {
    return this.#scheduler.leases(peerId);
  }

  /** A copy of the whole state, e.g. to see which peers and jobs a restart brought back. */
  state(): SchedulerState {
    return this.#scheduler.toJSON();
  }

  #restore(): JobScheduler {
    const log = this.#store.loadScheduler();
    const scheduler = log.snapshot ? JobScheduler.fromJSON(log.snapshot, this.#options) : new JobScheduler(this.#options);
    for (const command of log.commands) applyCommand(scheduler, command);
    this.#lastSeq = log.lastSeq;
    this.#sinceSnapshot = log.commands.length;
    return scheduler;
  }

  /** Jobs that this command ended, with their outcome taken while the scheduler still knows them. */
  #finished(command: SchedulerCommand, fx: Effects): FinishedJob[] {
    const ended = new Map<JobId, string | undefined>();
    for (const event of fx.events) {
      if (event.type === "job-done") ended.set(event.jobId, JSON.stringify(event.result));
      if (event.type === "job-failed") ended.set(event.jobId, undefined);
    }
    if (command.type === "cancel-job" && this.#scheduler.jobSnapshot(command.jobId)?.status === "cancelled") ended.set(command.jobId, undefined);
    const finishedAt = new Date().toISOString();
    return [...ended].flatMap(([id, result]) => {
      const snap = this.#scheduler.jobSnapshot(id);
      if (!snap || snap.status === "running") return [];
      const outcome: JobOutcome = { status: snap.status, finishedAt, tasks: snap.tasks, results: snap.results };
      if (result !== undefined) outcome.result = result;
      if (snap.error) outcome.error = snap.error;
      return [{ id, outcome }];
    });
  }
}

function effectsOf(outcome: unknown): Effects & { expired?: unknown[] } {
  if (typeof outcome === "object" && outcome !== null && "cancel" in outcome && "events" in outcome) return outcome as Effects;
  return { cancel: [], events: [] };
}

/**
 * False for commands that provably left the state as it was, which need no log entry: a tick that
 * expired nothing, a heartbeat from a peer without leases, a request that granted nothing and
 * taught the scheduler no new slot count, a duplicate or stale report.
 */
function changesState(command: SchedulerCommand, outcome: unknown, slotsChanged: () => boolean): boolean {
  switch (command.type) {
    case "tick": {
      const fx = effectsOf(outcome);
      return (fx.expired?.length ?? 0) > 0 || fx.cancel.length > 0 || fx.events.length > 0;
    }
    case "heartbeat":
      return (outcome as CommandOutcomes["heartbeat"]).length > 0;
    case "request-work":
      return (outcome as CommandOutcomes["request-work"]).assignments.length > 0 || slotsChanged();
    case "submit-result":
    case "submit-failure": {
      const { status } = outcome as CommandOutcomes["submit-result"];
      return status !== "duplicate" && status !== "stale";
    }
    default:
      return true;
  }
}
