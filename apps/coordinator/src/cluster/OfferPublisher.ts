import type { JobId, JobSpec, PeerId } from "@shoal/protocol";
import { asPeerId, asTaskId } from "@shoal/protocol";
import type { Logger } from "../Logger.ts";
import type { NewOffer, TaskOffers } from "../store/postgres/TaskOffers.ts";
import type { DurableScheduler } from "../volunteers/DurableScheduler.ts";
import { toWire } from "../volunteers/PeerSession.ts";
import { checkResultRow } from "./remoteRows.ts";

/** Attempts one owner keeps offered to other coordinators at most (its pool peer's slots; the scheduler caps slots at 64 by default). */
export const MAX_OFFERS = 64;

/** Remote results taken in one round at most. */
export const RESULT_BATCH = 64;

/** How often an owner's housekeeping round runs at most when nothing wakes it. */
export const OFFER_ROUND_MS = 500;

/** How often the pool peer's leases are extended while it holds any (well within the scheduler's 30 s lease). */
const POOL_HEARTBEAT_MS = 2_000;

/** Refused rows logged per reason per process; past it they are only counted, so a flood of forged rows cannot fill the log. */
const MAX_LOGGED = 20;

/** The peer id under which an owner's scheduler leases attempts to other coordinators' volunteers. */
export const poolPeerId = (node: string): PeerId => asPeerId(`pool_${node}`);

/**
 * The owner's side of cross-node feeding, on one coordinator process: when another node says its
 * volunteers are idle ({@link demanded}), the owner's scheduler leases queued attempts of its jobs
 * to one pool peer (the scheduler's own choice of task, attempt and locality), and they are written
 * to `task_offers` under the job lease's epoch for any node to claim. Results other nodes forward
 * are read back ({@link notified}), checked row by row, and fed to the scheduler as the pool
 * peer's, so they meet the same validation, quorum and epoch-fenced commit as a local volunteer's.
 * Each round it also drops offers that died (claim expired, unclaimed too long, lease closed), and
 * releases their attempts without spending a try, as a lease its peer gave back.
 */
export class OfferPublisher {
  readonly #offers: TaskOffers;
  readonly #scheduler: DurableScheduler;
  readonly #held: () => ReadonlyMap<JobId, number>;
  readonly #spec: (id: JobId) => JobSpec | undefined;
  readonly #logger: Logger;
  readonly #pool: PeerId;
  readonly #logged = new Map<string, number>();
  #wanted = 0;
  #timer: NodeJS.Timeout | undefined;
  #queued = false;
  #lastBeat = 0;
  #failing = false;
  /** True while no offer of this node may be left in the table (none published since a round found none). */
  #clean = true;
  /** Rows refused since start, for tests and logs. */
  refused = 0;

  constructor(deps: { offers: TaskOffers; scheduler: DurableScheduler; held: () => ReadonlyMap<JobId, number>; spec: (id: JobId) => JobSpec | undefined; logger: Logger }) {
    this.#offers = deps.offers;
    this.#scheduler = deps.scheduler;
    this.#held = deps.held;
    this.#spec = deps.spec;
    this.#logger = deps.logger;
    this.#pool = poolPeerId(deps.offers.node);
  }

  start(everyMs = OFFER_ROUND_MS): void {
    this.#scheduler.run({ type: "add-peer", peerId: this.#pool, slots: MAX_OFFERS });
    this.#timer = setInterval(() => this.round(Date.now()), everyMs);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  /** A results notification: its payload names the owner that should read (anything else is another node's, or out of shape and ignored). */
  notified(payload: string | undefined): void {
    if (payload === undefined || payload === this.#offers.node) this.#wake();
  }

  /** A demand notification, `node:count`: another node has `count` idle slots (1 to {@link MAX_OFFERS}); anything else is ignored. */
  demanded(payload: string | undefined): void {
    const match = /^([A-Za-z0-9_-]{0,64}):([0-9]{1,6})$/.exec(payload ?? "");
    if (!match || match[1] === this.#offers.node) return;
    const count = Number(match[2]);
    if (count < 1) return;
    this.#wanted = Math.min(MAX_OFFERS, Math.max(this.#wanted, count));
    this.#wake();
  }

  #wake(): void {
    if (this.#queued) return;
    this.#queued = true;
    setImmediate(() => {
      this.#queued = false;
      this.round(Date.now());
    });
  }

  /** One round: feed remote results, drop dead offers, keep the pool's leases alive, offer what was asked for. Never throws. */
  round(now: number): void {
    const held = this.#held();
    if (held.size === 0 && this.#clean && this.#scheduler.leases(this.#pool).length === 0) {
      this.#wanted = 0;
      return;
    }
    try {
      this.#feedResults(held, now);
      this.#reconcile(held);
      if (this.#scheduler.leases(this.#pool).length > 0 && now - this.#lastBeat >= POOL_HEARTBEAT_MS) {
        this.#lastBeat = now;
        this.#scheduler.run({ type: "heartbeat", peerId: this.#pool, now });
      }
      this.#offer(held, now);
      if (this.#failing) this.#logger.info("task offers: working again");
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) this.#logger.error(`task offers: ${error instanceof Error ? error.message : String(error)} (retrying every round)`);
      this.#failing = true;
    }
  }

  #feedResults(held: ReadonlyMap<JobId, number>, now: number): void {
    const rows = this.#offers.takeResults([...held.keys()], RESULT_BATCH);
    if (rows.length === 0) return;
    let answered = 0;
    for (const row of rows) {
      const checked = checkResultRow(row, this.#offers.node, held);
      if (typeof checked === "string") {
        this.#refuse(`remote result ${JSON.stringify(`${String(row.task_id).slice(0, 200)}#${String(row.attempt).slice(0, 20)}`)} from ${JSON.stringify(String(row.node).slice(0, 64))}`, checked);
        continue;
      }
      const { message } = checked;
      const taskId = asTaskId(checked.taskId);
      const outcome =
        message.type === "task-result"
          ? this.#scheduler.defer({ type: "submit-result", peerId: this.#pool, taskId, attempt: checked.attempt, result: message.result, now })
          : this.#scheduler.defer({ type: "submit-failure", peerId: this.#pool, taskId, attempt: checked.attempt, error: message.error });
      answered++;
      if (outcome.status !== "accepted") this.#refuse(`remote ${message.type} for ${JSON.stringify(`${taskId}#${checked.attempt}`)} from ${checked.node} (volunteer ${checked.volunteer})`, `${outcome.status}: ${outcome.reason ?? ""}`);
    }
    this.#scheduler.flush();
    // The volunteers that answered are free again: offer as many attempts now, so their node finds them when it next claims.
    this.#wanted = Math.min(MAX_OFFERS, this.#wanted + answered);
  }

  /** Offers that died are deleted; the pool peer keeps only the attempts still offered, releasing the rest without spending a try. */
  #reconcile(held: ReadonlyMap<JobId, number>): void {
    const leased = this.#scheduler.leases(this.#pool);
    const alive = this.#offers.ownerRound(held, leased);
    this.#clean = alive.length === 0;
    if (alive.length < leased.length) {
      this.#scheduler.run({ type: "resume-peer", peerId: this.#pool, running: alive.map((k) => ({ taskId: asTaskId(k.taskId), attempt: k.attempt })) });
    }
  }

  #offer(held: ReadonlyMap<JobId, number>, now: number): void {
    const wanted = Math.min(this.#wanted, MAX_OFFERS - this.#scheduler.leases(this.#pool).length);
    this.#wanted = 0;
    if (wanted <= 0) return;
    const queued = [...held.keys()].some((id) => (this.#scheduler.jobSnapshot(id)?.tasks.queued ?? 0) > 0);
    if (!queued) return;
    const grant = this.#scheduler.run({ type: "request-work", peerId: this.#pool, freeSlots: wanted, now });
    if (grant.refused) {
      this.#refuse("the pool peer", `refused by the scheduler: ${grant.refused}`);
      return;
    }
    const offers: NewOffer[] = [];
    for (const a of grant.assignments) {
      const epoch = held.get(a.jobId);
      const spec = this.#spec(a.jobId);
      if (epoch === undefined || !spec) continue;
      offers.push({ jobId: a.jobId, taskId: a.taskId, attempt: a.attempt, epoch, shard: a.shard, engine: spec.engine, assignment: JSON.stringify(toWire(a)) });
    }
    // Attempts not written (a lease lost meanwhile) have no offer: the next round releases them.
    this.#clean = false;
    this.#offers.publish(offers);
  }

  #refuse(what: string, why: string): void {
    this.refused++;
    const n = (this.#logged.get(why) ?? 0) + 1;
    this.#logged.set(why, n);
    if (n <= MAX_LOGGED) this.#logger.warn(`task offers: ignored ${what}: ${why}`);
    while (this.#logged.size > 1_000) this.#logged.delete(this.#logged.keys().next().value!);
  }
}
