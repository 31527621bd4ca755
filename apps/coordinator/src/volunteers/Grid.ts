import type { AttemptRef, DonorHello, IceServer, JobId, JobSpec, PeerId, PeerView, ShardHash, TaskFailedMessage, TaskResultMessage } from "@shoal/protocol";
import { asPeerId, asTaskId } from "@shoal/protocol";
import type { Logger } from "../Logger.ts";
import { newId } from "../newId.ts";
import type { Store } from "../store/Store.ts";
import { currentTasks } from "./currentTasks.ts";
import type { Applied, DurableScheduler } from "./DurableScheduler.ts";
import type { TaskHistory } from "../tasks/TaskHistory.ts";
import type { Metrics } from "./Metrics.ts";
import type { SessionHost } from "./PeerSession.ts";
import { PeerSession } from "./PeerSession.ts";
import { hashSecret, newToken, secretMatches } from "./sessionSecret.ts";
import type { Channel } from "@shoal/worker";
import { siteAccount } from "../credit/siteAccount.ts";
import type { ChannelInfo } from "./ChannelInfo.ts";

/** Peers named in one shard-holders message (the protocol allows 64). */
const MAX_SHARD_HOLDERS = 16;

export interface GridOptions {
  scheduler: DurableScheduler;
  store: Store;
  metrics: Metrics;
  logger: Logger;
  spec: (jobId: JobId) => JobSpec | undefined;
  heartbeatMs: number;
  helloTimeoutMs: number;
  /** How long the store keeps a peer id that left (so it can come back under it) before pruning it. */
  peerRetentionMs: number;
  /**
   * A session that sent nothing, heartbeats included, for this long is closed and its peer leaves
   * (leases back in the queue); default three heartbeat intervals. Liveness never waits for the
   * transport's close event, which a vanished browser may never send.
   */
  silenceMs?: number;
  /** Where results' `print` output goes, with the rest of each attempt's history. */
  history?: TaskHistory;
  /** The ICE servers (with TURN credentials) a welcome gives a peer; none when absent. */
  iceServers?: (peerId: PeerId, now: number) => IceServer[] | undefined;
  /** How often a connected session is sent fresh `iceServers` (before its TURN credentials expire); never when absent. */
  iceRefreshMs?: number | undefined;
}

/** Cross-node feeding's hooks into the grid (`RemoteFeeder`): results of claimed attempts, departures, and asks for work. */
export interface RemoteTasks {
  /** True when the outcome answers an attempt claimed from another coordinator (and was taken to forward). */
  outcome(session: PeerSession, message: TaskResultMessage | TaskFailedMessage): boolean;
  /** The session left: its claimed attempts go back to be claimed again. */
  left(session: PeerSession): void;
  /** Peers asked for work: claim for those this node's scheduler left idle. */
  wake(): void;
}

/** What {@link Grid.admit} gives a session: its peer id and the secret that proves it on a reconnect. */
export interface Admission {
  peerId: PeerId;
  secret: string;
  /** True when the session proved it is a peer this coordinator issued before. */
  reclaimed: boolean;
}

/**
 * The worker side of the coordinator: one {@link PeerSession} per channel, whatever the transport.
 * It pushes cancellations and refusals the scheduler decides, and whenever work may have appeared
 * (a job submitted, a task re-queued or released) offers it to peers that asked and can take more,
 * so workers need not poll.
 */
export class Grid implements SessionHost {
  readonly scheduler: DurableScheduler;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly heartbeatMs: number;
  readonly iceRefreshMs: number | undefined;
  readonly #store: Store;
  readonly #spec: (jobId: JobId) => JobSpec | undefined;
  readonly #helloTimeoutMs: number;
  readonly #peerRetentionMs: number;
  #prunedAt = Number.NEGATIVE_INFINITY;
  readonly #sessions = new Map<PeerId, PeerSession>();
  /**
   * Peers whose session ended while the store could not log their `remove-peer` (the database
   * down): the scheduler still lists them with their leases, so {@link tick} removes them once the
   * store is back, unless they came back first.
   */
  readonly #departed = new Set<PeerId>();
  readonly #channels = new Set<Channel>();
  #offerQueued = false;
  #closing = false;
  readonly #silenceMs: number;
  readonly #history: TaskHistory | undefined;
  readonly #silenceTimer: ReturnType<typeof setInterval>;
  readonly #iceServers: GridOptions["iceServers"];
  #remote: RemoteTasks | undefined;

  constructor(options: GridOptions) {
    this.scheduler = options.scheduler;
    this.#store = options.store;
    this.metrics = options.metrics;
    this.logger = options.logger;
    this.#spec = options.spec;
    this.heartbeatMs = options.heartbeatMs;
    this.#helloTimeoutMs = options.helloTimeoutMs;
    this.#peerRetentionMs = options.peerRetentionMs;
    this.#silenceMs = options.silenceMs ?? 3 * options.heartbeatMs;
    this.#history = options.history;
    this.#iceServers = options.iceServers;
    this.iceRefreshMs = options.iceRefreshMs;
    this.#silenceTimer = setInterval(() => this.#closeSilent(Date.now()), Math.max(50, Math.min(this.heartbeatMs, this.#silenceMs / 3)));
    this.#silenceTimer.unref();
    this.scheduler.onApplied((applied) => this.#applied(applied));
    this.scheduler.onCommitFailed((error) => this.#commitFailed(error));
  }

  /** Takes a new worker channel from any transport; the session lets the transport report breaches it finds itself. */
  attach(channel: Channel, info: ChannelInfo): PeerSession {
    const session = new PeerSession(this, channel, info, this.#helloTimeoutMs);
    if (this.#closing) {
      channel.close("coordinator is shutting down");
      return session;
    }
    this.#channels.add(channel);
    channel.onClose(() => this.#channels.delete(channel));
    return session;
  }

  spec(jobId: JobId): JobSpec | undefined {
    return this.#spec(jobId);
  }

  /** Feeds this grid's idle peers from other coordinators' jobs too. */
  feedFrom(remote: RemoteTasks): void {
    this.#remote = remote;
  }

  remoteOutcome(session: PeerSession, message: TaskResultMessage | TaskFailedMessage): boolean {
    return this.#remote?.outcome(session, message) ?? false;
  }

  /** The admitted sessions, connected now. */
  sessions(): PeerSession[] {
    return [...this.#sessions.values()];
  }

  /** Shard handles (never peer ids) of other connected sessions that hold `shard`. */
  iceServers(peerId: PeerId, now: number): IceServer[] | undefined {
    return this.#iceServers?.(peerId, now);
  }

  /** Never names a WebSocket-only peer, nor any peer to one: neither end would get a data channel. */
  shardHolders(shard: ShardHash, asking: PeerSession): string[] {
    const holders: string[] = [];
    if (asking.reach === "websocket-only") return holders;
    for (const session of this.#sessions.values()) {
      if (session !== asking && session.reach !== "websocket-only" && session.held.has(shard)) holders.push(session.shardHandle);
      if (holders.length === MAX_SHARD_HOLDERS) break;
    }
    return holders;
  }

  /**
   * Gives the session the peer id it asks for only when it presents that id's current secret and
   * the id is not connected now; anyone else gets a fresh id. Either way a new secret is issued
   * (its hash replaces the old one in the same transaction as the peer's `add-peer`). The hello's
   * donor key (kept only as its hash) or site is bound to the peer id for credit, in that transaction too.
   * A peer that got its id back and names the attempts it still `running` loses its other leases at
   * once (assignments lost with its old connection, say across a restart), rather than when they expire.
   */
  admit(session: PeerSession, requested: string | undefined, secret: string | undefined, now: number, donor: DonorHello = {}, running?: readonly AttemptRef[]): Admission {
    const wanted = requested === undefined ? undefined : asPeerId(requested);
    const stored = wanted === undefined || this.#sessions.has(wanted) ? undefined : this.#store.peerSecretHash(wanted);
    const reclaimed = wanted !== undefined && stored !== undefined && secret !== undefined && secretMatches(secret, stored);
    const peerId = reclaimed ? wanted : asPeerId(newId("p"));
    const issued = newToken();
    this.#sessions.set(peerId, session);
    // A throw leaves the session unadmitted (it closes without a peer id, so it never leaves): it must not stay listed.
    let added = false;
    try {
      this.scheduler.run({ type: "add-peer", peerId, slots: session.threads || undefined, engines: session.engines }, () => {
        const at = new Date(now).toISOString();
        this.#store.rememberPeer(peerId, hashSecret(issued), at);
        const site = siteAccount(donor);
        this.#store.credit.bindPeer(peerId, site !== undefined ? { site } : donor.key !== undefined ? { donor: hashSecret(donor.key) } : {}, at);
        if (!reclaimed) this.#prune(now);
      });
      added = true;
      this.#departed.delete(peerId);
      if (reclaimed && running !== undefined) {
        this.scheduler.run({ type: "resume-peer", peerId, running: running.map(({ taskId, attempt }) => ({ taskId: asTaskId(taskId), attempt })) });
      }
    } catch (error) {
      if (this.#sessions.get(peerId) === session) this.#sessions.delete(peerId);
      // Listed by the scheduler, under a secret the peer never got: removed like any peer that left.
      if (added) this.#departed.add(peerId);
      throw error;
    }
    return { peerId, secret: issued, reclaimed };
  }

  /**
   * Forgets stored peer ids unseen for longer than the retention, at most once per retention
   * period (or minute), keeping connected peers and any the scheduler still lists (their leases
   * may still be reported after a restart).
   */
  #prune(now: number): void {
    if (now - this.#prunedAt < Math.min(this.#peerRetentionMs, 60_000)) return;
    this.#prunedAt = now;
    const keep = new Set<PeerId>(this.#sessions.keys());
    for (const peerId of this.scheduler.peerIds()) keep.add(peerId);
    this.#store.prunePeers(new Date(now - this.#peerRetentionMs).toISOString(), keep);
  }

  leave(session: PeerSession, reason: string): void {
    const peerId = session.peerId;
    if (!peerId || this.#sessions.get(peerId) !== session) return;
    this.#sessions.delete(peerId);
    this.logger.info(`${session.name} left: ${JSON.stringify(reason)}`);
    this.#remote?.left(session);
    if (!this.#closing) this.#remove(peerId);
  }

  /**
   * Removes a peer from the scheduler (its leases back in the queue). Never throws: it runs from a
   * channel's close listeners, whose throw would stop the others. When the store cannot log it,
   * the peer is kept in {@link #departed} and {@link tick} tries again.
   */
  #remove(peerId: PeerId): void {
    try {
      this.scheduler.run({ type: "remove-peer", peerId });
      this.#departed.delete(peerId);
    } catch (error) {
      if (!this.#departed.has(peerId)) this.logger.error(`peer ${peerId} left, but the store could not log it (retried every tick): ${error instanceof Error ? error.message : String(error)}`);
      this.#departed.add(peerId);
    }
  }

  wantWork(): void {
    this.#queueOffer();
  }

  noteLog(taskId: string, attempt: number, lines: readonly string[]): void {
    this.#history?.noteLog(taskId, attempt, lines);
  }

  /** Removes peers that left while the store was down, then expires leases past their deadline; call every few hundred milliseconds. Throws while the store fails. */
  tick(now: number): void {
    if (this.#departed.size > 0) {
      const listed = new Set(this.scheduler.peerIds());
      for (const peerId of [...this.#departed]) {
        if (this.#sessions.has(peerId) || !listed.has(peerId)) {
          this.#departed.delete(peerId);
          continue;
        }
        this.scheduler.run({ type: "remove-peer", peerId });
        this.#departed.delete(peerId);
        this.logger.info(`peer ${peerId}: its leaving is logged now that the store is back; its leases are re-queued`);
      }
    }
    this.scheduler.run({ type: "tick", now });
  }

  /** Removes peers the scheduler still lists (say, from before a restart) that are not connected now. */
  removeAbsent(peerIds: readonly PeerId[]): void {
    const listed = new Set(this.scheduler.peerIds());
    for (const peerId of peerIds) {
      if (this.#sessions.has(peerId) || !listed.has(peerId)) continue;
      this.logger.info(`peer ${peerId} did not come back; its leases are re-queued`);
      this.#remove(peerId);
    }
  }

  peers(): PeerView[] {
    const now = Date.now();
    return [...this.#sessions.values()].map((s) => {
      const id = s.peerId as PeerId;
      const { wins, losses, refused, leases } = this.scheduler.peerSnapshot(id);
      const held = this.scheduler.leases(id);
      const jobs = [...new Set(held.map((lease) => lease.jobId))];
      const current = { runtime: s.runtime, speed: s.speed.view(now), tasks: currentTasks(held, this.#spec) };
      return { id, transport: s.channel.transport, ...(s.reach ? { reach: s.reach } : {}), threads: s.threads, engines: s.engines, tasksDone: s.tasksDone, shards: s.held.size, leases, jobs, ...current, reputation: { wins, losses, refused }, connectedAt: s.connectedAt, lastHeardAt: new Date(s.lastHeardAt).toISOString() };
    });
  }

  /** Closes every channel without removing the peers from the scheduler, so they can come back after a restart. */
  close(): void {
    this.#closing = true;
    clearInterval(this.#silenceTimer);
    for (const channel of [...this.#channels]) channel.close("coordinator is shutting down");
  }

  /** Closes the channel of every admitted session silent for longer than the silence limit. */
  #closeSilent(now: number): void {
    for (const session of [...this.#sessions.values()]) {
      const silent = now - session.lastHeardAt;
      if (silent <= this.#silenceMs) continue;
      const seconds = Math.round(silent / 1000);
      this.logger.warn(`${session.name} sent nothing for ${seconds} s; closing it, so its leases go back in the queue`);
      session.channel.close(`silent for ${seconds} s`);
    }
  }

  /**
   * A group commit failed, so results and grants of that turn are undone in the scheduler: every
   * channel is closed, and volunteers reconnect and send their outcomes again (they keep them).
   */
  #commitFailed(error: unknown): void {
    this.logger.error(`the store refused a commit; closing every worker channel so they resend: ${error instanceof Error ? error.message : String(error)}`);
    for (const channel of [...this.#channels]) {
      try {
        channel.close("coordinator store error");
      } catch (failure) {
        // The channel is closed anyway (its wire too); the next one must be as well.
        this.logger.error(`closing a worker channel: ${failure instanceof Error ? failure.message : String(failure)}`);
      }
    }
  }

  #applied(applied: Applied): void {
    const byPeer = new Map<PeerId, string[]>();
    for (const lease of applied.cancel) byPeer.set(lease.peerId, [...(byPeer.get(lease.peerId) ?? []), lease.taskId]);
    for (const [peerId, taskIds] of byPeer) this.#sessions.get(peerId)?.send({ type: "cancel", taskIds });
    for (const event of applied.events) if (event.type === "peer-refused") this.#sessions.get(event.peerId)?.refuse(event.reason);
    const type = applied.command.type;
    const released = applied.events.some((e) => e.type === "task-done");
    if (released || applied.expired > 0 || applied.cancel.length > 0 || type === "submit-job" || type === "adopt-job" || type === "submit-failure") this.#queueOffer();
  }

  /** Offers work to every peer that can take more, once, after the current burst of commands. */
  #queueOffer(): void {
    if (this.#offerQueued || this.#closing) return;
    this.#offerQueued = true;
    setImmediate(() => {
      this.#offerQueued = false;
      if (this.#closing) return;
      const now = Date.now();
      for (const session of [...this.#sessions.values()]) {
        try {
          session.offer(now);
        } catch (error) {
          this.logger.error(`offering work to ${session.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      // After this node's own work: peers it left idle are fed from other coordinators' offers.
      this.#remote?.wake();
    });
  }
}
