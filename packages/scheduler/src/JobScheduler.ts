import type { JobId, PartialResult, PeerId, ShardHash, TaskId } from "@shoal/protocol";
import { canonicalJson, LUA_ERROR_KINDS } from "@shoal/protocol";
import type { ReportRefusal } from "./checkReport.ts";
import { checkReport } from "./checkReport.ts";
import { copyJson as copy } from "./copyJson.ts";
import { copyMapWork } from "./copyTask.ts";
import { createJobState, taskState } from "./createJobState.ts";
import { JobRecord } from "./JobRecord.ts";
import { partialResult } from "./partialResult.ts";
import type { LeaseRef } from "./LeaseBook.ts";
import { attemptOf, LeaseBook, leaseOf } from "./LeaseBook.ts";
import { pickBackup, pickTask } from "./pickTask.ts";
import { Reputation } from "./Reputation.ts";
import { taskUnits } from "./taskUnits.ts";
import type { SchedulerOptions } from "./SchedulerOptions.ts";
import { SCHEDULER_DEFAULTS } from "./SchedulerOptions.ts";
import type { JobState, SchedulerState, TaskState, ThroughputState } from "./SchedulerState.ts";
import { checkTaskGraph, TaskGraphError } from "./TaskGraph.ts";
import { newThroughput, prefetchFor, recordReport, resumeAfterIdle } from "./throughput.ts";
import type {
  Assignment,
  Effects,
  Expiry,
  JobError,
  JobSnapshot,
  JobSubmission,
  Lease,
  PeerSnapshot,
  SubmitOutcome,
  TaskFailure,
  TaskResult,
  WorkGrant,
} from "./types.ts";

/** Lua errors that any honest peer reproduces; they fail the job once confirmed. */
const DETERMINISTIC = new Set<string>(LUA_ERROR_KINDS);

interface Peer {
  id: PeerId;
  slots: number;
  shards: Set<ShardHash>;
  throughput?: ThroughputState;
  /** Lua engines the peer runs; undefined: it said nothing, so it gets any job. */
  engines: ReadonlySet<string> | undefined;
}

type Checked = { ok: true; ref: LeaseRef } | { ok: false; outcome: SubmitOutcome };

const effects = (): Effects => ({ cancel: [], events: [] });

/**
 * The coordinator's task state machine: plans become queues, peers pull leases with credit,
 * results are checked by quorum, failures retried or confirmed, and every change comes back as
 * {@link Effects} for the caller to send. It is pure — time is passed in, there is no randomness —
 * so a restored {@link JobScheduler.toJSON} snapshot fed the same calls makes exactly the same decisions.
 * Restore with {@link JobScheduler.fromJSON}; the constructor's `state` argument is its implementation.
 */
export class JobScheduler {
  readonly #options: SchedulerOptions;
  readonly #jobs = new Map<JobId, JobRecord>();
  readonly #tasks = new Map<TaskId, JobRecord>();
  readonly #peers = new Map<PeerId, Peer>();
  readonly #leases = new LeaseBook();
  readonly #reputation: Reputation;
  #order = 0;

  constructor(options: Partial<SchedulerOptions> = {}, state?: SchedulerState) {
    this.#options = { ...SCHEDULER_DEFAULTS, ...options };
    this.#reputation = new Reputation(this.#options.lossPenalty, this.#options.refuseAt, state?.reputation);
    for (const p of state?.peers ?? []) {
      const peer: Peer = { id: p.id, slots: p.slots, shards: new Set(p.shards), engines: p.engines && new Set(p.engines) };
      if (p.throughput) peer.throughput = { ...p.throughput };
      this.#peers.set(p.id, peer);
    }
    for (const job of state?.jobs ?? []) {
      const restored = copy(job);
      restored.tasks = restored.tasks.map(taskState);
      this.#register(restored);
    }
  }

  /** Rebuilds a scheduler from {@link toJSON} output; options are not part of the state. */
  static fromJSON(state: SchedulerState, options: Partial<SchedulerOptions> = {}): JobScheduler {
    if (state.version !== 1) throw new RangeError(`unknown scheduler state version ${String(state.version)}`);
    return new JobScheduler(options, state);
  }

  /** A deep copy of the whole state as plain JSON. */
  toJSON(): SchedulerState {
    return copy({
      version: 1,
      jobs: [...this.#jobs.values()].map((job) => job.state),
      peers: [...this.#peers.values()].map((p) => ({
        id: p.id,
        slots: p.slots,
        shards: [...p.shards],
        ...(p.engines ? { engines: [...p.engines] } : {}),
        ...(p.throughput ? { throughput: p.throughput } : {}),
      })),
      reputation: this.#reputation.toJSON(),
    });
  }

  /** Adds a job; its ready tasks join the queue. Throws {@link TaskGraphError} for a bad graph or a reused id. */
  submitJob(job: JobSubmission): Effects {
    if (this.#jobs.has(job.id)) throw new TaskGraphError(`job ${job.id} already exists`);
    checkTaskGraph(job.graph);
    const clash = job.graph.tasks.find((t) => this.#tasks.has(t.id));
    if (clash) throw new TaskGraphError(`task ${clash.id} already belongs to another job`);
    const record = this.#register(createJobState(job, this.#options));
    const fx = effects();
    if (record.finished) this.#finish(record, fx);
    return fx;
  }

  /** Stops a job: its leases come back for cancellation and later results are ignored as stale. */
  cancelJob(jobId: JobId): Effects {
    const fx = effects();
    const job = this.#jobs.get(jobId);
    if (job?.state.status === "running") this.#stop(job, "cancelled", fx);
    return fx;
  }

  /** Drops a job that is no longer running from the state, e.g. once its result is stored elsewhere. */
  forgetJob(jobId: JobId): boolean {
    const job = this.#jobs.get(jobId);
    if (!job || job.state.status === "running") return false;
    for (const t of job.state.tasks) this.#tasks.delete(t.id);
    return this.#jobs.delete(jobId);
  }

  /**
   * Takes over a running job from another scheduler's state (another coordinator's, whose lease on
   * it lapsed): its done tasks and verified outputs stay, and attempts that were leased there are
   * expired without spending a try, since their peers answer to the old owner. Throws
   * {@link TaskGraphError} if the job or one of its tasks is already here.
   */
  adoptJob(state: JobState): Effects {
    if (this.#jobs.has(state.id)) throw new TaskGraphError(`job ${state.id} already exists`);
    const clash = state.tasks.find((t) => this.#tasks.has(t.id));
    if (clash) throw new TaskGraphError(`task ${clash.id} already belongs to another job`);
    const adopted = copy(state);
    adopted.tasks = adopted.tasks.map((t) => {
      for (const a of t.attempts) if (a.phase === "leased") a.phase = "expired";
      return taskState(t);
    });
    const record = this.#register(adopted);
    const fx = effects();
    if (record.state.status === "running" && record.finished) this.#finish(record, fx);
    return fx;
  }

  /**
   * Lets go of a job, running or not, because another scheduler owns it now: its leases come back
   * for cancellation (their peers must stop) and it is forgotten here.
   */
  dropJob(jobId: JobId): Effects {
    const fx = effects();
    const job = this.#jobs.get(jobId);
    if (!job) return fx;
    for (const ref of this.#leases.ofJob(job)) fx.cancel.push(this.#leases.close(ref, "cancelled"));
    job.close();
    for (const t of job.state.tasks) this.#tasks.delete(t.id);
    this.#jobs.delete(jobId);
    return fx;
  }

  /** The job a task belongs to, while this scheduler holds it. */
  jobOf(taskId: TaskId): JobId | undefined {
    return this.#tasks.get(taskId)?.state.id;
  }

  /**
   * Registers a connected peer. `slots`, when given, sets its executor count (e.g. after its CPU
   * slider moved); otherwise the count is learned from the largest `freeSlots` it reports.
   * `engines`, when given, limits it to jobs of those Lua engines (and jobs that name none).
   */
  addPeer(peerId: PeerId, slots?: number, engines?: readonly string[]): void {
    let peer = this.#peers.get(peerId);
    if (!peer) this.#peers.set(peerId, (peer = { id: peerId, slots: 0, shards: new Set(), engines: undefined }));
    if (slots !== undefined) peer.slots = this.#clampSlots(slots);
    if (engines !== undefined) peer.engines = new Set(engines);
  }

  /**
   * Forgets a peer that left; its leases expire at once and their tasks are re-queued without
   * spending an attempt: leaving says nothing about the task, and a volunteer that takes leases
   * and hangs up, again and again under fresh ids, must not run a job out of attempts.
   */
  removePeer(peerId: PeerId): Expiry {
    const fx: Expiry = { ...effects(), expired: [] };
    for (const ref of this.#leases.heldBy(peerId)) this.#expire(ref, `peer ${peerId} left`, fx, false);
    this.#peers.delete(peerId);
    return fx;
  }

  /**
   * A peer came back (say, after a coordinator restart) and named the attempts it still runs or
   * holds results for: its other leases were lost with the old connection, so they expire at once
   * and their tasks are re-queued, without spending an attempt, as if the peer had left.
   */
  resumePeer(peerId: PeerId, running: ReadonlyArray<{ taskId: TaskId; attempt: number }>): Expiry {
    const fx: Expiry = { ...effects(), expired: [] };
    const held = new Set(running.map(({ taskId, attempt }) => `${taskId}#${attempt}`));
    for (const ref of this.#leases.heldBy(peerId)) {
      if (!held.has(`${ref.job.task(ref.index).id}#${ref.attempt}`)) this.#expire(ref, `peer ${peerId} no longer holds it`, fx, false);
    }
    return fx;
  }

  /** Records which shards a peer caches, so tasks over them go there first. */
  setPeerShards(peerId: PeerId, hashes: Iterable<ShardHash>): void {
    const peer = this.#peers.get(peerId);
    if (peer) peer.shards = new Set(hashes);
  }

  /**
   * Hands a peer up to `freeSlots + prefetch` leases, less what it already holds, so it never holds
   * more than slots + prefetch however often it asks. The prefetch is one lease for a peer whose
   * tasks take long, and grows with its measured throughput so short tasks wait on the peer, not
   * on a round trip (see {@link prefetchFor}).
   * Jobs take turns by fewest leases per weight; within a job, tasks over cached shards come first,
   * then plan order. With nothing queued, the slowest running tasks are duplicated as backups.
   * A peer only gets tasks of jobs whose engine it advertised; other jobs stay queued for peers that have it.
   */
  requestWork(peerId: PeerId, freeSlots: number, now: number): WorkGrant {
    const grant: WorkGrant = { ...effects(), assignments: [] };
    const peer = this.#peers.get(peerId);
    if (!peer) return { ...grant, refused: `unknown peer ${peerId}` };
    if (this.#reputation.isRefused(peerId)) return { ...grant, refused: this.#refusal(peerId) };
    const free = this.#clampSlots(freeSlots);
    peer.slots = Math.max(peer.slots, free);
    if (peer.throughput && this.#leases.count(peerId) === 0) resumeAfterIdle(peer.throughput, now);
    const prefetch = prefetchFor(peer.throughput, this.#options);
    let credit = Math.min(free + prefetch, peer.slots + prefetch - this.#leases.count(peerId));
    for (; credit > 0; credit--) {
      const pick = pickTask(this.#jobs.values(), peer, peer.shards) ?? pickBackup(this.#leases.all(), peer, now, this.#options);
      if (!pick) break;
      grant.assignments.push(this.#lease(pick.job, pick.index, peerId, now, pick.backup));
    }
    return grant;
  }

  /** Extends every lease the peer holds to `now` plus its job's lease time; returns them. */
  heartbeat(peerId: PeerId, now: number): Lease[] {
    return this.#leases.heldBy(peerId).map((ref) => {
      attemptOf(ref).deadline = now + ref.job.state.leaseMs;
      return leaseOf(ref);
    });
  }

  /** Expires leases whose deadline has passed; their tasks are re-queued or, out of attempts, fail the job. */
  tick(now: number): Expiry {
    const fx: Expiry = { ...effects(), expired: [] };
    const due = this.#leases.all().filter((ref) => attemptOf(ref).deadline <= now);
    for (const ref of due) this.#expire(ref, "lease expired", fx);
    return fx;
  }

  /**
   * Takes a task's value from the peer that ran `attempt`. Idempotent: the same attempt again is a
   * `duplicate`; a result for a finished task or job is `stale`; a late result after the lease expired
   * still counts while the task is open. All or nothing: a value too deep to copy or canonicalise
   * throws before anything changed, so the lease stays open for an honest report.
   */
  submitResult(peerId: PeerId, taskId: TaskId, attempt: number, result: TaskResult, now: number): SubmitOutcome {
    const checked = this.#check(peerId, taskId, attempt);
    if (!checked.ok) return checked.outcome;
    const { ref } = checked;
    const { job, index } = ref;
    const t = job.task(index);
    const values = t.work.kind === "map" ? ("outputs" in result ? result.outputs : undefined) : "output" in result ? [result.output] : undefined;
    const fx = effects();
    const malformed = malformedOutputs(t.work.kind === "map" ? t.work.points.length : undefined, values, job.state.resultBytes);
    if (values === undefined || malformed !== undefined) {
      this.#counted(peerId, now);
      this.#leases.close(ref, "failed");
      job.state.rejected++;
      job.refresh(index);
      this.#judge([], [peerId], fx);
      return { ...fx, status: "rejected", reason: `malformed result: ${malformed ?? "no outputs"}` };
    }
    // Both may throw on a value no parser limited (too deep to serialise): before any change, so nothing is half done.
    const taken = { attempt, values: copy(values), canonical: canonicalJson(values) };
    this.#counted(peerId, now);
    this.#leases.close(ref, "result");
    job.state.accepted++;
    t.results.push(taken);
    this.#settle(ref, now, fx);
    return { ...fx, status: "accepted" };
  }

  /**
   * Takes a failed attempt. A deterministic Lua error counts as a result does: it fails the job
   * once the job's quorum of distinct peers report the same kind and message (at once with quorum
   * 1); until then it is shown as unconfirmed and, like deadline or internal failures, the task is
   * retried — on another peer for Lua errors — up to `maxAttempts`.
   */
  submitFailure(peerId: PeerId, taskId: TaskId, attempt: number, error: TaskFailure): SubmitOutcome {
    const checked = this.#check(peerId, taskId, attempt);
    if (!checked.ok) return checked.outcome;
    const { ref } = checked;
    const { job, index } = ref;
    const t = job.task(index);
    const fx = effects();
    this.#leases.close(ref, "failed");
    t.failures++;
    if (DETERMINISTIC.has(error.kind)) {
      t.errors.push({ attempt, error: copy(error) });
      const same = t.errors.filter((e) => e.error.kind === error.kind && e.error.message === error.message);
      const reporters = new Set(same.map((e) => t.attempts[e.attempt - 1]?.peer));
      if (reporters.size >= job.state.quorum) {
        const dissent = t.results.map((r) => t.attempts[r.attempt - 1]?.peer as PeerId);
        this.#fail(job, index, { ...copy(error), taskId }, fx);
        if (reporters.size >= 2) this.#judge([...reporters] as PeerId[], dissent, fx);
        return { ...fx, status: "accepted" };
      }
      job.state.unconfirmed = { ...copy(error), taskId, reporters: reporters.size };
    }
    this.#retryOrFail(ref, error.message, fx);
    return { ...fx, status: "accepted" };
  }

  /**
   * The tasks of a job that ended done, with their verified outputs, for memoizing them before the
   * job is forgotten; undefined for a job that is unknown or did not end done. Not copies: the
   * state of a done job no longer changes.
   */
  doneTasks(jobId: JobId): readonly TaskState[] | undefined {
    const job = this.#jobs.get(jobId);
    return job?.state.status === "done" ? job.state.tasks : undefined;
  }

  /** Progress of a job, with its result once done or its error once failed. */
  jobSnapshot(jobId: JobId): JobSnapshot | undefined {
    const job = this.#jobs.get(jobId);
    if (!job) return undefined;
    const { state } = job;
    const snapshot: JobSnapshot = {
      id: state.id,
      status: state.status,
      tasks: job.counts(),
      results: { accepted: state.accepted, rejected: state.rejected },
      peers: { ...state.peers },
    };
    if (state.status === "done") snapshot.result = copy(job.result());
    if (state.error) snapshot.error = copy(state.error);
    if (state.unconfirmed && state.status === "running") snapshot.unconfirmedError = copy(state.unconfirmed);
    return snapshot;
  }

  /** A peer's slots, leases, credit and reputation; also answers for peers that left or were refused. */
  /** What has arrived of a job's result while it runs (see {@link partialResult}); undefined for a job not held. */
  partialResult(jobId: JobId, limit: number): PartialResult | undefined {
    const job = this.#jobs.get(jobId);
    return job && copy(partialResult(job.state, limit));
  }

  peerSnapshot(peerId: PeerId): PeerSnapshot {
    const { wins, losses, refused } = this.#reputation.standing(peerId);
    const peer = this.#peers.get(peerId);
    const leases = this.#leases.count(peerId);
    const credit = peer && !refused ? Math.max(0, peer.slots + prefetchFor(peer.throughput, this.#options) - leases) : 0;
    return { id: peerId, online: peer !== undefined, slots: peer?.slots ?? 0, leases, credit, wins, losses, refused };
  }

  /** Ids of the peers it lists, online or restored and not yet removed, without copying the state. */
  peerIds(): PeerId[] {
    return [...this.#peers.keys()];
  }

  /** Ids of its jobs still running, in submission order, without copying the state. */
  runningJobIds(): JobId[] {
    return [...this.#jobs.values()].filter((job) => job.state.status === "running").map((job) => job.state.id);
  }

  /** Tasks the scheduler holds across its jobs, a measure of how large a snapshot is. */
  get taskCount(): number {
    return this.#tasks.size;
  }

  /** Leases held now, by one peer or by all, in a stable order. */
  leases(peerId?: PeerId): Lease[] {
    return (peerId === undefined ? this.#leases.all() : this.#leases.heldBy(peerId)).map(leaseOf);
  }

  #counted(peerId: PeerId, now: number): void {
    const peer = this.#peers.get(peerId);
    if (peer) recordReport((peer.throughput ??= newThroughput(now)), now);
  }

  #clampSlots(slots: number): number {
    return Math.min(this.#options.maxSlots, Math.max(0, Math.floor(slots) || 0));
  }

  #register(state: JobState): JobRecord {
    const job = new JobRecord(state, this.#order++);
    this.#jobs.set(state.id, job);
    state.tasks.forEach((t, index) => {
      this.#tasks.set(t.id, job);
      t.attempts.forEach((a, i) => {
        if (a.phase === "leased") this.#leases.add({ job, index, attempt: i + 1 });
      });
    });
    return job;
  }

  #lease(job: JobRecord, index: number, peer: PeerId, now: number, backup: boolean): Assignment {
    const t = job.task(index);
    t.attempts.push({ peer, start: now, deadline: now + job.state.leaseMs, phase: "leased", backup });
    const ref = { job, index, attempt: t.attempts.length };
    this.#leases.add(ref);
    job.refresh(index);
    const task = t.work.kind === "map" ? copyMapWork(t.work) : { ...t.work, values: copy(job.gather(t.inputs)) };
    const assignment: Assignment = { jobId: job.state.id, taskId: t.id, attempt: ref.attempt, leaseDeadline: now + job.state.leaseMs, backup, task };
    if (t.shard !== undefined) assignment.shard = t.shard;
    return assignment;
  }

  #check(peerId: PeerId, taskId: TaskId, attempt: number): Checked {
    const job = this.#tasks.get(taskId);
    if (job && this.#reputation.isRefused(peerId)) {
      job.state.rejected++;
      return { ok: false, outcome: { ...effects(), status: "rejected", reason: this.#refusal(peerId) } };
    }
    const checked = checkReport(job, peerId, taskId, attempt);
    if (typeof checked !== "number" || !job) return { ok: false, outcome: { ...effects(), ...(checked as ReportRefusal), untouched: true } };
    return { ok: true, ref: { job, index: checked, attempt } };
  }

  /** Completes the task if a quorum agrees, fails the job if none can within the cap, else asks for more replicas. */
  #settle(ref: LeaseRef, now: number, fx: Effects): void {
    const { job, index } = ref;
    const t = job.task(index);
    const { quorum, replicaCap } = job.state;
    const best = job.bestGroup(t);
    if (best.length >= quorum) return this.#complete(job, index, best, now, fx);
    if (t.results.length + quorum - best.length > replicaCap) {
      const message = `task ${t.id}: no ${quorum} of its ${t.results.length} results agree within the replica cap of ${replicaCap}`;
      return this.#fail(job, index, { taskId: t.id, message }, fx);
    }
    job.refresh(index);
  }

  #complete(job: JobRecord, index: number, winners: number[], now: number, fx: Effects): void {
    const t = job.task(index);
    const peerOf = (attempt: number) => t.attempts[attempt - 1]?.peer as PeerId;
    const first = winners[0] as number;
    const won = winners.map(peerOf);
    const lost = [...t.results.filter((r) => !winners.includes(r.attempt)), ...t.errors].map((r) => peerOf(r.attempt));
    const output = t.results.find((r) => r.attempt === first)?.values ?? [];
    for (const ref of this.#leases.on(job, index)) fx.cancel.push(this.#leases.close(ref, "cancelled"));
    job.complete(index, output, now - (t.attempts[first - 1]?.start ?? now));
    if (job.state.unconfirmed?.taskId === t.id) delete job.state.unconfirmed;
    for (const peer of won) job.state.peers[peer] = (job.state.peers[peer] ?? 0) + 1;
    fx.events.push({ type: "task-done", jobId: job.state.id, taskId: t.id, winners: [...new Set(won)], units: taskUnits(t), quorum: job.state.quorum });
    if (job.finished) this.#finish(job, fx);
    if (winners.length >= 2) this.#judge(won, lost, fx);
  }

  #finish(job: JobRecord, fx: Effects): void {
    job.state.status = "done";
    job.close();
    fx.events.push({ type: "job-done", jobId: job.state.id, result: copy(job.result()) });
  }

  #fail(job: JobRecord, index: number, error: JobError, fx: Effects): void {
    job.task(index).status = "failed";
    job.state.error = error;
    this.#stop(job, "failed", fx);
    fx.events.push({ type: "job-failed", jobId: job.state.id, error: copy(error) });
  }

  #stop(job: JobRecord, status: "failed" | "cancelled", fx: Effects): void {
    job.state.status = status;
    for (const ref of this.#leases.ofJob(job)) fx.cancel.push(this.#leases.close(ref, "cancelled"));
    job.close();
  }

  #retryOrFail(ref: LeaseRef, cause: string, fx: Effects): void {
    const t = ref.job.task(ref.index);
    if (t.failures < this.#options.maxAttempts) return ref.job.refresh(ref.index);
    this.#fail(ref.job, ref.index, { taskId: t.id, message: `task ${t.id} failed after ${t.failures} attempts: ${cause}` }, fx);
  }

  #expire(ref: LeaseRef, cause: string, fx: Expiry, spendsAttempt = true): void {
    if (attemptOf(ref).phase !== "leased") return;
    fx.expired.push(this.#leases.close(ref, "expired"));
    if (!spendsAttempt) return ref.job.refresh(ref.index);
    ref.job.task(ref.index).failures++;
    this.#retryOrFail(ref, cause, fx);
  }

  /** Scores a verified outcome: agreeing peers win, dissenting ones lose and may be refused. */
  #judge(winners: readonly PeerId[], losers: readonly PeerId[], fx: Effects): void {
    for (const peer of winners) this.#reputation.record(peer, true);
    for (const peer of losers) if (this.#reputation.record(peer, false)) this.#refuse(peer, fx);
  }

  /** Cancels a refused peer's leases and discards its unverified results and error reports. */
  #refuse(peer: PeerId, fx: Effects): void {
    fx.events.push({ type: "peer-refused", peerId: peer, reason: this.#refusal(peer) });
    for (const ref of this.#leases.heldBy(peer)) {
      fx.cancel.push(this.#leases.close(ref, "cancelled"));
      ref.job.refresh(ref.index);
    }
    for (const job of this.#jobs.values()) if (job.state.status === "running") job.discard(peer);
  }

  #refusal(peer: PeerId): string {
    return `peer ${peer} is refused: its results lost too many quorums (score ${this.#reputation.score(peer)})`;
  }
}

/**
 * Why `values` cannot be a task's outputs — not `points` of them for a map task (one for a
 * reduce), or one larger than `resultBytes` as JSON — or undefined when they can be.
 */
function malformedOutputs(points: number | undefined, values: unknown, resultBytes: number | undefined): string | undefined {
  if (!Array.isArray(values) || values.length !== (points ?? 1)) return `expected ${points === undefined ? "one output" : `${points} outputs`}`;
  if (resultBytes === undefined) return undefined;
  // UTF-16 length never exceeds the UTF-8 bytes the engines count, so an honest output always passes.
  const index = values.findIndex((value) => JSON.stringify(value).length > resultBytes);
  return index < 0 ? undefined : `output ${index} is larger than the job's ${resultBytes} bytes`;
}
