import type { JobId, JobSpec, TaskFailedMessage, TaskResultMessage } from "@shoal/protocol";
import { encodeMessage } from "@shoal/protocol";
import type { Logger } from "../Logger.ts";
import type { AttemptKey, ForwardedOutcome, TaskOffers } from "../store/postgres/TaskOffers.ts";
import type { Grid, RemoteTasks } from "../volunteers/Grid.ts";
import type { PeerSession } from "../volunteers/PeerSession.ts";
import type { CheckedClaim } from "./remoteRows.ts";
import { checkClaimedRow } from "./remoteRows.ts";

/** Offers claimed in one statement at most. */
export const CLAIM_BATCH = 64;

/** Attempts this node runs for other coordinators at once at most. */
export const MAX_CLAIMED = 1_024;

/** How often idle volunteers make this node claim (and ask owners for offers) when no notification wakes it. */
export const CLAIM_EVERY_MS = 1_000;

/** Claimed attempts a volunteer holds per thread at most: one running, one waiting, so it does not idle while the next is fetched. */
const PER_THREAD = 2;

/** Outcomes forwarded in one statement at most. */
const FORWARD_BATCH = 64;

/** Refused rows logged per process; past it they are only counted. */
const MAX_LOGGED = 20;

interface Running {
  claim: CheckedClaim;
  session: PeerSession;
}

const keyOf = (k: AttemptKey) => `${k.taskId}#${k.attempt}`;

/**
 * The claiming side of cross-node feeding, on every coordinator process on PostgreSQL: volunteers
 * this node's own scheduler leaves idle (they asked for work; their threads are not all busy) are
 * fed from other coordinators' `task_offers`. A round claims a batch for them (`SKIP LOCKED`;
 * offers of shards they hold first), checks each row, and sends it to a volunteer of its engine,
 * preferring one holding its shard, as an ordinary assignment; when it found fewer offers than idle
 * slots it asks the owners for more (`pg_notify`). Claims are renewed while their volunteers
 * run them; one whose offer is gone (the owner ended or lost it) is cancelled on its volunteer;
 * those of a volunteer that left are given back. Outcomes of claimed attempts never reach this
 * node's scheduler: they are forwarded, batched per turn, to `remote_results` for the owner.
 */
export class RemoteFeeder implements RemoteTasks {
  readonly #offers: TaskOffers;
  readonly #grid: Grid;
  readonly #spec: (id: JobId) => JobSpec | undefined;
  readonly #logger: Logger;
  readonly #renewMs: number;
  readonly #running = new Map<string, Running>();
  #forward: ForwardedOutcome[] = [];
  #forwardQueued = false;
  #queued = false;
  #offered = true;
  #lastClaim = 0;
  #lastRenew = 0;
  #timer: NodeJS.Timeout | undefined;
  #logged = 0;
  #failing = false;

  /** `renewMs`: how often claims are renewed; a fifth of the claim TTL, as job leases are. */
  constructor(deps: { offers: TaskOffers; grid: Grid; spec: (id: JobId) => JobSpec | undefined; logger: Logger; renewMs: number }) {
    this.#offers = deps.offers;
    this.#grid = deps.grid;
    this.#spec = deps.spec;
    this.#logger = deps.logger;
    this.#renewMs = deps.renewMs;
  }

  start(): void {
    this.#grid.feedFrom(this);
    this.#timer = setInterval(() => this.round(Date.now()), Math.min(CLAIM_EVERY_MS, this.#renewMs));
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#flushForward();
  }

  /** New offers were announced: claim at once. */
  notified(): void {
    this.#offered = true;
    this.wake();
  }

  wake(): void {
    if (this.#queued) return;
    this.#queued = true;
    setImmediate(() => {
      this.#queued = false;
      this.round(Date.now());
    });
  }

  /** Attempts claimed and running here now. */
  get running(): number {
    return this.#running.size;
  }

  outcome(session: PeerSession, message: TaskResultMessage | TaskFailedMessage): boolean {
    const key = `${message.taskId}#${message.attempt}`;
    const running = this.#running.get(key);
    if (!running || running.session !== session) return false;
    this.#running.delete(key);
    const { claim } = running;
    this.#forward.push({ jobId: claim.jobId, taskId: claim.taskId, attempt: claim.attempt, epoch: claim.epoch, volunteer: session.peerId ?? "unknown", outcome: encodeMessage(message) });
    if (this.#forward.length >= FORWARD_BATCH) this.#flushForward();
    else if (!this.#forwardQueued) {
      this.#forwardQueued = true;
      setImmediate(() => this.#flushForward());
    }
    this.wake();
    return true;
  }

  left(session: PeerSession): void {
    const given: AttemptKey[] = [];
    for (const [key, running] of this.#running) {
      if (running.session !== session) continue;
      this.#running.delete(key);
      given.push(running.claim);
    }
    this.#try("giving claims back", () => this.#offers.unclaim(given));
  }

  /** One round: renew claims when due, then claim for idle volunteers. Never throws (a database outage is logged once and retried). */
  round(now: number): void {
    if (now - this.#lastRenew >= this.#renewMs) {
      this.#lastRenew = now;
      this.#try("renewing claims", () => this.#renew());
    }
    const idle = this.#idle();
    const slots = Math.min(CLAIM_BATCH, MAX_CLAIMED - this.#running.size, idle.reduce((n, s) => n + s.free, 0));
    if (slots <= 0) return;
    // Without news of offers, idle volunteers claim (and ask) once per interval, not on every ask for work.
    if (!this.#offered && now - this.#lastClaim < CLAIM_EVERY_MS) return;
    this.#offered = false;
    this.#lastClaim = now;
    this.#try("claiming offers", () => this.#claim(idle, slots));
  }

  #idle(): Array<{ session: PeerSession; free: number }> {
    const idle: Array<{ session: PeerSession; free: number }> = [];
    const remote = new Map<PeerSession, number>();
    for (const { session } of this.#running.values()) remote.set(session, (remote.get(session) ?? 0) + 1);
    for (const session of this.#grid.sessions()) {
      if (!session.peerId || !session.askedSlots || !session.channel.open) continue;
      const free = PER_THREAD * session.threads - this.#grid.scheduler.leases(session.peerId).length - (remote.get(session) ?? 0);
      if (free > 0) idle.push({ session, free });
    }
    return idle;
  }

  #claim(idle: Array<{ session: PeerSession; free: number }>, slots: number): void {
    const shards = [...new Set(idle.flatMap(({ session }) => [...session.held]))].slice(0, 10_000);
    const engines = idle.some(({ session }) => session.engines.length === 0) ? undefined : [...new Set(idle.flatMap(({ session }) => session.engines))];
    const rows = this.#offers.claim(slots, shards, engines);
    const given: AttemptKey[] = [];
    const bySession = new Map<PeerSession, CheckedClaim[]>();
    for (const row of rows) {
      const claim = checkClaimedRow(row);
      if (typeof claim === "string") {
        // Left claimed: it expires, and its owner releases the attempt.
        this.#refuse(`claimed offer ${JSON.stringify(String(row.task_id).slice(0, 200))}`, claim);
        continue;
      }
      const spec = this.#spec(claim.jobId);
      const fits = (s: { session: PeerSession; free: number }) => s.free > 0 && (s.session.engines.length === 0 || (spec !== undefined && s.session.engines.includes(spec.engine)));
      const target = idle.find((s) => fits(s) && claim.assignment.shard !== undefined && s.session.held.has(claim.assignment.shard)) ?? idle.find(fits);
      if (!spec || !target) {
        given.push(claim);
        continue;
      }
      target.free--;
      this.#running.set(keyOf(claim), { claim, session: target.session });
      bySession.set(target.session, [...(bySession.get(target.session) ?? []), claim]);
    }
    if (given.length > 0) this.#offers.unclaim(given);
    for (const [session, claims] of bySession) {
      try {
        session.assignRemote(
          claims.map((c) => c.assignment),
          this.#spec,
        );
      } catch (error) {
        this.#logger.error(`sending claimed attempts to ${session.name}: ${error instanceof Error ? error.message : String(error)}`);
        for (const claim of claims) this.#running.delete(keyOf(claim));
        this.#offers.unclaim(claims);
      }
    }
    const short = slots - rows.length;
    if (short > 0) this.#offers.demand(short);
  }

  #renew(): void {
    if (this.#running.size === 0) return;
    const claims = [...this.#running.values()].map((r) => r.claim);
    const kept = new Set(this.#offers.renew(claims).map(keyOf));
    const cancelled = new Map<PeerSession, string[]>();
    for (const claim of claims) {
      const key = keyOf(claim);
      if (kept.has(key)) continue;
      const running = this.#running.get(key);
      this.#running.delete(key);
      if (running) cancelled.set(running.session, [...(cancelled.get(running.session) ?? []), claim.taskId]);
    }
    for (const [session, taskIds] of cancelled) session.send({ type: "cancel", taskIds });
  }

  #flushForward(): void {
    this.#forwardQueued = false;
    while (this.#forward.length > 0) {
      const batch = this.#forward.splice(0, FORWARD_BATCH);
      // Lost if the database is down: the claims then expire and their owner runs the attempts again.
      this.#try("forwarding results", () => this.#offers.forward(batch));
    }
  }

  #try(what: string, fn: () => unknown): void {
    try {
      fn();
      if (this.#failing) this.#logger.info("task offers: claiming again");
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) this.#logger.error(`task offers: ${what}: ${error instanceof Error ? error.message : String(error)}`);
      this.#failing = true;
    }
  }

  #refuse(what: string, why: string): void {
    if (++this.#logged <= MAX_LOGGED) this.#logger.warn(`task offers: ignored ${what}: ${why}`);
  }
}
