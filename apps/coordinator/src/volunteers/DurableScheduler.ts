import type { JobId, PartialResult, PeerId, TaskId } from "@shoal/protocol";
import type { CommandOutcomes, Effects, JobSnapshot, Lease, PeerSnapshot, SchedulerCommand, SchedulerOptions, SchedulerState, TaskState } from "@shoal/scheduler";
import { applyCommand, commandToLog, JobScheduler } from "@shoal/scheduler";
import type { JobOutcome, Store } from "../store/Store.ts";

/** A job that ended during a command; its outcome is already stored and the scheduler has forgotten it. */
export interface FinishedJob {
  id: JobId;
  outcome: JobOutcome;
  /** For a job that ended done: its tasks with their verified outputs, taken before it was forgotten. */
  tasks?: readonly TaskState[];
}

/** What one logged command did, for whoever must tell peers or watchers. */
export interface Applied extends Effects {
  command: SchedulerCommand;
  /** What the scheduler answered (assignments granted, how a report was taken, leases expired). */
  outcome: CommandOutcomes[SchedulerCommand["type"]];
  /** Leases that ran out or whose peer left, from `tick` and `remove-peer`. */
  expired: number;
  finished: FinishedJob[];
}

/** Logged commands per task held before a snapshot is due: a snapshot's cost grows with the tasks. */
const SNAPSHOT_PER_TASK = 4;

/**
 * What a logged command did to which jobs, for a guard that must check, inside the commit's
 * transaction, that this process may still act for them (the job leases of several coordinators).
 */
export interface GuardedCommand {
  command: SchedulerCommand;
  /** Jobs whose state the command read or changed (none for `forget-job` and `drop-job`, which only let go). */
  jobs: JobId[];
  /** Set for a result the scheduler accepted. */
  accepted?: { jobId: JobId; taskId: TaskId; attempt: number };
  /** Jobs the command ended. */
  finished: JobId[];
}

/** A logged command waiting for its transaction, already JSON so the commit cannot fail on it. */
interface Pending {
  text: string;
  write: (() => void) | undefined;
  finished: FinishedJob[];
  events: Effects["events"];
  guarded: GuardedCommand;
}

/** Characters of encoded commands a group commit gathers before it commits early, far below V8's longest string. */
const GROUP_CHARS = 64 * 1024 * 1024;

/** A command that cannot be logged (say, nested too deep to encode); it was not applied, and nothing else is affected. */
export class UnloggableCommand extends Error {
  override readonly name = "UnloggableCommand";
}

/**
 * The {@link JobScheduler} made durable: every state-changing command is applied, then written to
 * the store's command log with whatever the caller records alongside and with the outcome of any
 * job it finished (which the scheduler then forgets) — all before anything that depends on it is
 * sent. {@link run} commits at once; {@link defer} (the hot path: results, work requests,
 * heartbeats) joins a group commit at the end of the current event-loop turn, so a burst of
 * messages costs one transaction. Whatever must follow a commit — listeners, and messages queued
 * with {@link afterCommit} — runs after it, in the order it was asked for.
 * The state is snapshotted and the log truncated once the log outgrows `snapshotEvery` commands
 * and the number of tasks held (so snapshots cost O(1) per command however large the jobs);
 * {@link DurableScheduler.open} restores the snapshot and replays the log.
 */
export class DurableScheduler {
  readonly #store: Store;
  readonly #options: Partial<SchedulerOptions>;
  readonly #snapshotEvery: number;
  readonly #listeners = new Set<(applied: Applied) => void>();
  readonly #failureListeners = new Set<(error: unknown) => void>();
  readonly #commitWriters = new Set<(events: Effects["events"]) => void>();
  readonly #doneWriters = new Set<(id: JobId, tasks: readonly TaskState[]) => void>();
  readonly #guards = new Set<(batch: readonly GuardedCommand[]) => void>();
  #scheduler: JobScheduler;
  #lastSeq = 0;
  #sinceSnapshot = 0;
  #pending: Pending[] = [];
  #pendingChars = 0;
  #afterCommit: Array<() => void> = [];
  #flushQueued = false;
  /**
   * Set when a commit failed and the store could not be read to rebuild from it either (the
   * database down): the scheduler in memory still holds the commands that were never logged, so
   * nothing is applied on it, nor snapshotted, until a rebuild succeeds.
   */
  #unrestored = false;

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

  /** Called after each logged command has been committed, with its effects. */
  onApplied(listener: (applied: Applied) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Runs inside the transaction of every logged command, with its events, so what it writes (the
   * credit ledger) lands exactly when the command does: never for a command that was rolled back.
   */
  withinCommit(writer: (events: Effects["events"]) => void): () => void {
    this.#commitWriters.add(writer);
    return () => this.#commitWriters.delete(writer);
  }

  /**
   * Runs inside the transaction that stores the outcome of a job that ended done, with its tasks and
   * their outputs (the task memo), so they are kept exactly when the outcome is.
   */
  withinJobDone(writer: (id: JobId, tasks: readonly TaskState[]) => void): () => void {
    this.#doneWriters.add(writer);
    return () => this.#doneWriters.delete(writer);
  }

  /**
   * Runs inside the transaction of every group commit (after the commands' own writes, before
   * their log entry), with what its commands did to which
   * jobs; a throw rolls the whole group back (as any failed commit: the scheduler is rebuilt from
   * the store and {@link onCommitFailed} listeners are told).
   */
  guard(check: (batch: readonly GuardedCommand[]) => void): () => void {
    this.#guards.add(check);
    return () => this.#guards.delete(check);
  }

  /**
   * Called when a group commit fails: the scheduler has been rebuilt from the store, so the
   * deferred commands of that group are undone and the messages that depended on them dropped.
   */
  onCommitFailed(listener: (error: unknown) => void): () => void {
    this.#failureListeners.add(listener);
    return () => this.#failureListeners.delete(listener);
  }

  /**
   * Applies a command and commits it (with any deferred ones before it) before returning, with
   * `write` run inside the same transaction. Commands that change nothing (a tick that expires
   * nothing, a duplicate or stale report) are not logged, and their `write` is not run.
   * If the transaction fails, the scheduler is rebuilt from the store and the error rethrown.
   */
  run<C extends SchedulerCommand>(command: C, write?: () => void): CommandOutcomes[C["type"]] {
    const outcome = this.#apply(command, write);
    this.flush();
    return outcome;
  }

  /**
   * Applies a command now and logs it in the group commit at the end of this event-loop turn; what
   * the caller sends about it must go through {@link afterCommit}. A command that finishes a job
   * commits at once, so the job's outcome is in the store whenever the scheduler has forgotten it;
   * so does a group past 64 MB of log text. A command with no log text throws
   * {@link UnloggableCommand} unapplied, so no one else's commands fail with it.
   */
  defer<C extends SchedulerCommand>(command: C): CommandOutcomes[C["type"]] {
    const before = this.#pending.length;
    const outcome = this.#apply(command, undefined);
    if (this.#pending.length > before && (this.#pending.at(-1)!.finished.length > 0 || this.#pendingChars > GROUP_CHARS)) this.flush();
    else this.#queueFlush();
    return outcome;
  }

  /** Runs `fn` once everything applied so far is committed: now if nothing is waiting. */
  afterCommit(fn: () => void): void {
    if (this.#pending.length === 0 && this.#afterCommit.length === 0) fn();
    else this.#afterCommit.push(fn);
  }

  /** Commits the commands applied so far, then runs listeners and queued messages in order. */
  flush(): void {
    const batch = this.#pending;
    const after = this.#afterCommit;
    this.#pending = [];
    this.#pendingChars = 0;
    this.#afterCommit = [];
    if (batch.length > 0) this.#commit(batch);
    for (const fn of after) fn();
  }

  /** Commits what is pending, then stores the whole state and truncates the log. */
  snapshot(): void {
    this.flush();
    this.#rebuildIfNeeded();
    this.#store.saveSnapshot(this.#scheduler.toJSON(), this.#lastSeq);
    this.#sinceSnapshot = 0;
  }

  #apply<C extends SchedulerCommand>(command: C, write: (() => void) | undefined): CommandOutcomes[C["type"]] {
    this.#rebuildIfNeeded();
    const text = encode(command);
    const slotsBefore = command.type === "request-work" ? this.#scheduler.peerSnapshot(command.peerId).slots : 0;
    const guarding = this.#guards.size > 0;
    const reportedJob = guarding && (command.type === "submit-result" || command.type === "submit-failure") ? this.#scheduler.jobOf(command.taskId) : undefined;
    const outcome = applyCommand(this.#scheduler, command);
    if (!changesState(command, outcome, () => this.#scheduler.peerSnapshot((command as { peerId: PeerId }).peerId).slots !== slotsBefore)) {
      return outcome;
    }
    const fx = effectsOf(outcome);
    const finished = this.#finished(command, fx);
    for (const job of finished) applyCommand(this.#scheduler, { type: "forget-job", jobId: job.id });
    const logged = commandToLog(command, outcome);
    const entry = logged === command ? text : encode(logged);
    const guarded = guarding ? guardedCommand(command, outcome, fx, reportedJob, finished) : UNGUARDED;
    this.#pending.push({ text: entry, write, finished, events: fx.events, guarded });
    this.#pendingChars += entry.length;
    const expired = "expired" in fx ? (fx.expired as unknown[]).length : 0;
    const applied: Applied = { command, outcome, cancel: fx.cancel, events: fx.events, expired, finished };
    this.#afterCommit.push(() => {
      for (const listener of this.#listeners) listener(applied);
    });
    return outcome;
  }

  #commit(batch: readonly Pending[]): void {
    let logged = 0;
    try {
      this.#store.transaction(() => {
        const commands: string[] = [];
        for (const { text, write, finished, events } of batch) {
          write?.();
          for (const writer of this.#commitWriters) writer(events);
          commands.push(text);
          for (const job of finished) {
            this.#store.finishJob(job.id, job.outcome);
            if (job.tasks) for (const writer of this.#doneWriters) writer(job.id, job.tasks);
            commands.push(encode({ type: "forget-job", jobId: job.id }));
          }
        }
        if (this.#guards.size > 0) {
          const guarded = batch.map((p) => p.guarded);
          for (const check of this.#guards) check(guarded);
        }
        this.#lastSeq = this.#store.appendCommands(commands);
        logged = commands.length;
      });
    } catch (error) {
      try {
        this.#scheduler = this.#restore();
      } catch {
        // The store cannot be read now either: rebuilt before the next command instead (which fails until it can).
        this.#unrestored = true;
      }
      for (const listener of this.#failureListeners) listener(error);
      throw error;
    }
    this.#sinceSnapshot += logged;
    if (this.#sinceSnapshot >= Math.max(this.#snapshotEvery, SNAPSHOT_PER_TASK * this.#scheduler.taskCount)) this.snapshot();
  }

  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    setImmediate(() => {
      this.#flushQueued = false;
      try {
        this.flush();
      } catch {
        // Reported to the onCommitFailed listeners, who close the channels that depended on it.
      }
    });
  }

  jobSnapshot(id: JobId): JobSnapshot | undefined {
    return this.#scheduler.jobSnapshot(id);
  }

  /** What has arrived of a running job's result, at most `limit` values; undefined once it ended. */
  partialResult(id: JobId, limit: number): PartialResult | undefined {
    return this.#scheduler.partialResult(id, limit);
  }

  peerSnapshot(id: PeerId): PeerSnapshot {
    return this.#scheduler.peerSnapshot(id);
  }

  /** Tasks the running jobs hold, done ones included: what the author limit on queued tasks counts. */
  get taskCount(): number {
    return this.#scheduler.taskCount;
  }

  /** Leases one peer holds now. */
  leases(peerId: PeerId): Lease[] {
    return this.#scheduler.leases(peerId);
  }

  /** Ids of the peers the scheduler lists: after a restart, those that may come back. */
  peerIds(): PeerId[] {
    return this.#scheduler.peerIds();
  }

  /** Ids of the jobs still running. */
  runningJobIds(): JobId[] {
    return this.#scheduler.runningJobIds();
  }

  /** A copy of the whole state (it costs as much as a snapshot: prefer {@link peerIds} and {@link runningJobIds}). */
  state(): SchedulerState {
    return this.#scheduler.toJSON();
  }

  /** Rebuilds from the store after a failed commit that could not (see {@link #unrestored}); throws while the store still cannot be read. */
  #rebuildIfNeeded(): void {
    if (!this.#unrestored) return;
    this.#scheduler = this.#restore();
    this.#unrestored = false;
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
    if (ended.size === 0) return [];
    const finishedAt = new Date().toISOString();
    return [...ended].flatMap(([id, result]) => {
      const snap = this.#scheduler.jobSnapshot(id);
      if (!snap || snap.status === "running") return [];
      const outcome: JobOutcome = { status: snap.status, finishedAt, tasks: snap.tasks, results: snap.results };
      if (result !== undefined) outcome.result = result;
      if (snap.error) outcome.error = snap.error;
      const tasks = this.#doneWriters.size > 0 ? this.#scheduler.doneTasks(id) : undefined;
      return [tasks ? { id, outcome, tasks } : { id, outcome }];
    });
  }
}

/** What a command carries when no guard is installed (SQLite, memory): nothing is looked up for it. */
const UNGUARDED: GuardedCommand = { command: { type: "tick", now: 0 }, jobs: [], finished: [] };

/** Which jobs a command touched, from the command, what it granted, expired or cancelled, and its events. */
function guardedCommand(command: SchedulerCommand, outcome: unknown, fx: Effects & { expired?: unknown[] }, reportedJob: JobId | undefined, finished: FinishedJob[]): GuardedCommand {
  const done = finished.map((job) => job.id);
  if (command.type === "forget-job" || command.type === "drop-job") return { command, jobs: [], finished: done };
  const jobs = new Set<JobId>(done);
  if (command.type === "submit-job") jobs.add(command.job.id);
  if (command.type === "adopt-job") jobs.add(command.job.id);
  if (command.type === "cancel-job") jobs.add(command.jobId);
  if (reportedJob !== undefined) jobs.add(reportedJob);
  if (command.type === "request-work") for (const a of (outcome as CommandOutcomes["request-work"]).assignments) jobs.add(a.jobId);
  if (command.type === "heartbeat") for (const lease of outcome as CommandOutcomes["heartbeat"]) jobs.add(lease.jobId);
  for (const lease of [...fx.cancel, ...((fx.expired ?? []) as Lease[])]) jobs.add(lease.jobId);
  for (const event of fx.events) if (event.type !== "peer-refused") jobs.add(event.jobId);
  const guarded: GuardedCommand = { command, jobs: [...jobs], finished: done };
  if (command.type === "submit-result" && reportedJob !== undefined && (outcome as CommandOutcomes["submit-result"]).status === "accepted") {
    guarded.accepted = { jobId: reportedJob, taskId: command.taskId, attempt: command.attempt };
  }
  return guarded;
}

/** The command as log text; throws {@link UnloggableCommand} (before it is applied) if it has none. */
function encode(command: SchedulerCommand): string {
  try {
    return JSON.stringify(command);
  } catch (error) {
    throw new UnloggableCommand(`a ${command.type} command cannot be logged: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function effectsOf(outcome: unknown): Effects & { expired?: unknown[] } {
  if (typeof outcome === "object" && outcome !== null && "cancel" in outcome && "events" in outcome) return outcome as Effects;
  return { cancel: [], events: [] };
}

/**
 * False for commands that provably left the state as it was, which need no log entry: a tick or a
 * returning peer's resume that expired nothing, a heartbeat from a peer without leases, a request that granted nothing and
 * taught the scheduler no new slot count, a report turned away untouched (unknown task, another
 * peer's lease, a duplicate, a stale one).
 */
function changesState(command: SchedulerCommand, outcome: unknown, slotsChanged: () => boolean): boolean {
  switch (command.type) {
    case "tick":
    case "resume-peer": {
      const fx = effectsOf(outcome);
      return (fx.expired?.length ?? 0) > 0 || fx.cancel.length > 0 || fx.events.length > 0;
    }
    case "heartbeat":
      return (outcome as CommandOutcomes["heartbeat"]).length > 0;
    case "request-work":
      return (outcome as CommandOutcomes["request-work"]).assignments.length > 0 || slotsChanged();
    case "submit-result":
    case "submit-failure":
      return (outcome as CommandOutcomes["submit-result"]).untouched !== true;
    default:
      return true;
  }
}
