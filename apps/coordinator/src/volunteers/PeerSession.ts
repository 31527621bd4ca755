import type { AttemptRef, Assignment as WireAssignment, CoordinatorToWorker, DonorHello, Hello, IceServer, JobId, JobSpec, PeerId, Reach, ShardHash, TaskFailedMessage, TaskResultMessage, VolunteerRuntime, WorkerToCoordinator } from "@shoal/protocol";
import { asTaskId, encodeMessage, parseWorkerMessage, PROTOCOL_VERSION, protocolMismatch, ProtocolError } from "@shoal/protocol";
import type { Assignment, WorkGrant } from "@shoal/scheduler";
import type { Logger } from "../Logger.ts";
import type { DurableScheduler } from "./DurableScheduler.ts";
import { UnloggableCommand } from "./DurableScheduler.ts";
import type { Admission } from "./Grid.ts";
import type { Metrics } from "./Metrics.ts";
import { PeerSpeed } from "./PeerSpeed.ts";
import { newToken } from "./sessionSecret.ts";
import type { Channel } from "@shoal/worker";
import type { ChannelInfo } from "./ChannelInfo.ts";

/** What a session needs from the grid around it. */
export interface SessionHost {
  readonly scheduler: DurableScheduler;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly heartbeatMs: number;
  spec(jobId: JobId): JobSpec | undefined;
  /** Other connected peers that hold `shard`, so `session` can fetch it from them before HTTP. */
  shardHolders(shard: ShardHash, session: PeerSession): string[];
  /** Gives the session its peer id — the one it asks for only with that id's secret, if it is free — and a new secret, and records them. */
  admit(session: PeerSession, requested: string | undefined, secret: string | undefined, now: number, donor?: DonorHello, running?: readonly AttemptRef[]): Admission;
  /** The session's channel closed after it was admitted. */
  leave(session: PeerSession, reason: string): void;
  /** The peer asked for work: offer it (batched with other peers' asks) at the end of this turn. */
  wantWork(): void;
  /** A result's or failure's `print` lines, handed over before the report goes to the scheduler, for the task history. */
  noteLog?(taskId: string, attempt: number, lines: readonly string[]): void;
  /** STUN and TURN servers (with this peer's own time-limited TURN credentials) for its welcome; undefined when none are configured. */
  iceServers(peerId: PeerId, now: number): IceServer[] | undefined;
  /**
   * A result or failure for an attempt this node claimed from another coordinator's offers
   * (`RemoteFeeder`): true when it was one, and was taken to be forwarded to that job's owner.
   */
  remoteOutcome?(session: PeerSession, message: TaskResultMessage | TaskFailedMessage): boolean;
  /** How often a welcomed session gets fresh ICE servers in an `ice-servers` message; never when undefined. */
  readonly iceRefreshMs?: number | undefined;
}

/** Assignment send times kept per session for the latency histogram; older ones are dropped past this. */
const MAX_TIMED = 10_000;
/** Shards taken from a hello on trust (the coordinator cannot check a cache it never saw); honest caches hold far fewer. */
const MAX_HELLO_SHARDS = 1024;
/** Refused reports and failures logged per session; past this they are only counted (in /metrics), so a flood cannot fill the log. */
const MAX_LOGGED_REPORTS = 20;

/**
 * One worker connection, from hello to close. Every incoming message goes through
 * `parseWorkerMessage`; anything malformed, out of order or of another protocol version is
 * answered with an `error` message and the channel is closed, without touching other sessions.
 */
export class PeerSession {
  readonly channel: Channel;
  readonly info: ChannelInfo;
  readonly connectedAt = new Date().toISOString();
  peerId: PeerId | undefined;
  /** What other workers know this session by in shard-holders: random per session, unrelated to its peer id. */
  readonly shardHandle = newToken(16);
  threads = 0;
  /** The Lua engines the peer said it runs. */
  engines: string[] = [];
  /** How other peers can reach it for shards, from its connectivity check; unknown until it reports one. */
  reach: Reach | undefined;
  /** Where the peer said it runs (browser or Node), if it said. */
  runtime: VolunteerRuntime | null = null;
  /** Accepted results over a recent window, measured here. */
  readonly speed = new PeerSpeed(Date.now());
  /** Shards the peer said it holds: up to {@link MAX_HELLO_SHARDS} from its hello, then those of its own assignments it announced. */
  readonly held = new Set<ShardHash>();
  /** Shards of the assignments sent on this session: the only ones a shards-held may add. */
  readonly #assignedShards = new Set<ShardHash>();
  tasksDone = 0;
  readonly #host: SessionHost;
  readonly #sentJobs = new Set<JobId>();
  #freeSlots: number | undefined;
  /** When each assignment (`taskId#attempt`) was handed to the channel, for the latency histogram. */
  readonly #assignedAt = new Map<string, number>();
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  #iceTimer: ReturnType<typeof setInterval> | undefined;
  #loggedReports = 0;
  #lastHeartbeat = Number.NEGATIVE_INFINITY;
  /** When the peer last sent anything (ms since the epoch): heartbeats keep it above the grid's silence limit. */
  lastHeardAt = Date.now();

  constructor(host: SessionHost, channel: Channel, info: ChannelInfo, helloTimeoutMs: number) {
    this.#host = host;
    this.channel = channel;
    this.info = info;
    this.#helloTimer = setTimeout(() => this.fail(new ProtocolError(`no hello within ${helloTimeoutMs} ms`)), helloTimeoutMs);
    channel.onMessage((text) => this.#receive(text));
    channel.onClose((reason) => {
      clearTimeout(this.#helloTimer);
      clearInterval(this.#iceTimer);
      if (this.peerId) this.#host.leave(this, reason);
    });
  }

  /** How the session shows up in logs. */
  get name(): string {
    return `peer ${this.peerId ?? "(no hello yet)"} (${this.channel.transport} ${this.info.remote})`;
  }

  /** Sends once everything the scheduler applied so far is committed, in order with other such sends. */
  send(message: CoordinatorToWorker): void {
    const text = encodeMessage(message);
    this.#host.scheduler.afterCommit(() => this.channel.send(text));
  }

  #close(reason: string): void {
    this.#host.scheduler.afterCommit(() => this.channel.close(reason));
  }

  /** Answers a protocol breach with an error message, closes the channel and logs the peer. */
  fail(error: ProtocolError): void {
    this.#host.metrics.protocolErrors++;
    this.#host.logger.warn(`${this.name} broke the protocol: ${JSON.stringify(error.message)}`);
    this.send({ type: "error", message: error.message.slice(0, 4096) });
    this.#close(error.message.slice(0, 100));
  }

  /** Tells the peer it gets no more work, and closes. */
  refuse(reason: string): void {
    this.#host.logger.warn(`${this.name} refused: ${reason}`);
    this.send({ type: "refused", reason: reason.slice(0, 1024) });
    this.#close("refused");
  }

  /**
   * Grants work with the peer's last reported free slots, if it asked before and has credit: at
   * once when a slot is about to idle, else once a quarter of its credit is free, so a fast peer
   * gets its prefetch in a few large `assign` messages rather than one per task.
   */
  offer(now: number): void {
    if (!this.peerId || this.#freeSlots === undefined) return;
    const { leases, slots, credit } = this.#host.scheduler.peerSnapshot(this.peerId);
    if (credit === 0 || (leases > slots && credit < (leases + credit) / 4)) return;
    this.#deliver(this.#host.scheduler.defer({ type: "request-work", peerId: this.peerId, freeSlots: this.#freeSlots, now }));
  }

  /** The free slots the peer reported when it last asked for work; undefined before it asked. */
  get askedSlots(): number | undefined {
    return this.#freeSlots;
  }

  /**
   * Sends attempts claimed from another coordinator's offers (already checked), with the specs of
   * jobs this peer has not seen; they never pass through this node's scheduler.
   */
  assignRemote(assignments: readonly WireAssignment[], spec: (jobId: JobId) => JobSpec | undefined): void {
    for (const a of assignments) {
      const jobId = a.jobId as JobId;
      if (a.shard !== undefined) this.#assignedShards.add(a.shard);
      if (this.#sentJobs.has(jobId)) continue;
      const found = spec(jobId);
      if (!found) throw new Error(`no spec for job ${jobId}`);
      this.send({ type: "job", jobId, spec: found });
      this.#sentJobs.add(jobId);
    }
    this.send({ type: "assign", assignments: [...assignments] });
  }

  #receive(text: string): void {
    this.lastHeardAt = Date.now();
    try {
      this.#handle(parseWorkerMessage(text));
    } catch (error) {
      if (error instanceof ProtocolError) return this.fail(error);
      if (error instanceof UnloggableCommand) return this.fail(new ProtocolError(error.message));
      this.#host.logger.error(`${this.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.send({ type: "error", message: "internal error in the coordinator" });
      this.#close("internal error");
    }
  }

  #handle(message: WorkerToCoordinator): void {
    const peerId = this.peerId;
    if (message.type === "hello") return this.#hello(message);
    if (!peerId) throw new ProtocolError(`expected hello first, got ${message.type}`);
    const { scheduler, metrics } = this.#host;
    const now = Date.now();
    switch (message.type) {
      case "request-work":
        this.#freeSlots = message.freeSlots;
        return this.#host.wantWork();
      case "heartbeat":
        // Leases last several heartbeat intervals; one extension per quarter interval is plenty, and more would only fill the log.
        if (now - this.#lastHeartbeat < this.#host.heartbeatMs / 4) return;
        this.#lastHeartbeat = now;
        scheduler.defer({ type: "heartbeat", peerId, now });
        return;
      case "task-result": {
        if (this.#host.remoteOutcome?.(this, message)) return;
        const { taskId, attempt, result } = message;
        const tookMs = this.#timed(taskId, attempt);
        this.#host.noteLog?.(taskId, attempt, message.log);
        const outcome = scheduler.defer({ type: "submit-result", peerId, taskId: asTaskId(taskId), attempt, result, now });
        metrics.results[outcome.status]++;
        if (outcome.status === "accepted") {
          this.tasksDone++;
          this.speed.accepted(now, tookMs);
        }
        else this.#logReport(`result for ${JSON.stringify(`${taskId}#${attempt}`)} ${outcome.status}: ${JSON.stringify(outcome.reason ?? "")}`);
        return;
      }
      case "task-failed": {
        if (this.#host.remoteOutcome?.(this, message)) return;
        const { taskId, attempt, error } = message;
        metrics.taskFailures++;
        this.#timed(taskId, attempt);
        this.#host.noteLog?.(taskId, attempt, message.log ?? []);
        this.#logReport(`${JSON.stringify(`${taskId}#${attempt}`)} failed (${error.kind}): ${JSON.stringify(error.message)}`);
        scheduler.defer({ type: "submit-failure", peerId, taskId: asTaskId(taskId), attempt, error });
        return;
      }
      case "outcomes":
        for (const outcome of message.outcomes) this.#handle(outcome);
        return;
      case "shards-held":
        this.#hold(peerId, message.shards.filter((shard) => this.#assignedShards.has(shard)));
        return;
      case "connectivity":
        this.reach = message.reach;
        return;
    }
  }

  #hello(hello: Hello): void {
    if (this.peerId) throw new ProtocolError("hello sent twice");
    clearTimeout(this.#helloTimer);
    // Refused rather than failed: an old volunteer stops and shows why instead of reconnecting.
    if (hello.protocol !== PROTOCOL_VERSION) return this.refuse(protocolMismatch(hello.protocol));
    this.threads = hello.threads;
    this.engines = hello.engines;
    this.runtime = hello.runtime ?? null;
    const { peerId, secret, reclaimed } = this.#host.admit(this, hello.peerId, hello.secret, Date.now(), hello.donor, hello.running);
    this.peerId = peerId;
    this.#hold(peerId, hello.shards.slice(0, MAX_HELLO_SHARDS));
    const { heartbeatMs } = this.#host;
    const iceServers = this.#host.iceServers(peerId, Date.now());
    const welcome = { type: "welcome", protocol: PROTOCOL_VERSION, peerId, secret, shardHandle: this.shardHandle, heartbeatMs, shardBaseUrl: this.info.shardBaseUrl } as const;
    this.send(iceServers ? { ...welcome, iceServers } : welcome);
    if (iceServers) this.#refreshIceServers(peerId);
    const asked = hello.peerId !== undefined && !reclaimed ? ` (not given the ${JSON.stringify(hello.peerId)} it asked for)` : "";
    this.#host.logger.info(`${this.name} joined with ${hello.threads} thread${hello.threads === 1 ? "" : "s"}${reclaimed ? " (reconnected)" : asked}`);
  }

  /** Sends the session fresh ICE servers (new TURN credentials) every refresh interval while it is open. */
  #refreshIceServers(peerId: PeerId): void {
    const every = this.#host.iceRefreshMs;
    if (every === undefined || !this.channel.open) return;
    this.#iceTimer = setInterval(() => {
      const iceServers = this.#host.iceServers(peerId, Date.now());
      if (iceServers && this.channel.open) this.send({ type: "ice-servers", iceServers });
    }, every);
    this.#iceTimer.unref?.();
  }

  /** Shards a peer reports are added to what it holds, and the scheduler learns the whole set for locality (only when it grew). */
  #hold(peerId: PeerId, shards: readonly ShardHash[]): void {
    const before = this.held.size;
    for (const shard of shards) this.held.add(shard);
    if (this.held.size === before) return;
    this.#host.scheduler.defer({ type: "set-peer-shards", peerId, shards: [...this.held] });
  }

  #logReport(text: string): void {
    const n = ++this.#loggedReports;
    if (n <= MAX_LOGGED_REPORTS) this.#host.logger.info(`${this.name}: ${text}`);
    if (n === MAX_LOGGED_REPORTS) this.#host.logger.info(`${this.name}: further failures and refused results of this session are counted, not logged`);
  }

  /** Observes the time since the attempt was assigned on this session, if it was, and returns it. */
  #timed(taskId: string, attempt: number): number | undefined {
    const key = `${taskId}#${attempt}`;
    const at = this.#assignedAt.get(key);
    if (at === undefined) return undefined;
    this.#assignedAt.delete(key);
    const took = performance.now() - at;
    this.#host.metrics.taskLatency.observe(took);
    return took;
  }

  /** Sends the specs of jobs this peer has not seen, who holds the shards it lacks, then the assignments. */
  #deliver(grant: WorkGrant): void {
    if (grant.refused) return this.refuse(grant.refused);
    if (grant.assignments.length === 0) return;
    for (const a of grant.assignments) if (a.shard !== undefined) this.#assignedShards.add(a.shard);
    const missing = new Set(grant.assignments.flatMap((a) => (a.shard !== undefined && !this.held.has(a.shard) ? [a.shard] : [])));
    for (const shard of missing) {
      const handles = this.#host.shardHolders(shard, this);
      if (handles.length > 0) this.send({ type: "shard-holders", shard, handles });
    }
    for (const a of grant.assignments) {
      if (this.#sentJobs.has(a.jobId)) continue;
      const spec = this.#host.spec(a.jobId);
      if (!spec) throw new Error(`no spec for job ${a.jobId}`);
      this.send({ type: "job", jobId: a.jobId, spec });
      this.#sentJobs.add(a.jobId);
    }
    this.send({ type: "assign", assignments: grant.assignments.map(toWire) });
    this.#host.scheduler.afterCommit(() => {
      const sentAt = performance.now();
      for (const a of grant.assignments) this.#assignedAt.set(`${a.taskId}#${a.attempt}`, sentAt);
      while (this.#assignedAt.size > MAX_TIMED) this.#assignedAt.delete(this.#assignedAt.keys().next().value!);
    });
  }
}

/** An assignment as the `assign` message carries it. */
export function toWire(a: Assignment): WireAssignment {
  const wire = { taskId: a.taskId, attempt: a.attempt, jobId: a.jobId, leaseDeadline: a.leaseDeadline, task: a.task };
  return a.shard === undefined ? wire : { ...wire, shard: a.shard };
}
