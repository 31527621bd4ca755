import type { Assignment, CoordinatorToWorker, JobSpec, WorkerToCoordinator } from "@shoal/protocol";
import { encodeMessage, parseWorkerMessage, PROTOCOL_VERSION } from "@shoal/protocol";
import type { Channel } from "../channel/Channel.ts";

/** A connected volunteer as the fake coordinator sees it. */
export interface FakePeer {
  id: string;
  channel: Channel;
  hello: Extract<WorkerToCoordinator, { type: "hello" }>;
  jobsSent: Set<string>;
}

/**
 * A tiny stand-in for the coordinator in tests: welcomes volunteers, hands out queued
 * assignments with credit (free slots + 1), and records every message it receives.
 */
export class FakeCoordinator {
  readonly received: Array<{ peer: string; message: WorkerToCoordinator }> = [];
  readonly peers = new Map<string, FakePeer>();
  readonly queue: Assignment[] = [];
  readonly jobs = new Map<string, JobSpec>();
  readonly #waiters: Array<() => void> = [];
  #nextPeer = 1;
  #nextSecret = 1;
  heartbeatMs = 200;
  shardBaseUrl = "http://coordinator.test/shards";

  /** Serves one volunteer's channel. */
  accept(channel: Channel): void {
    let peer: FakePeer | undefined;
    channel.onMessage((text) => {
      let message: WorkerToCoordinator;
      try {
        message = parseWorkerMessage(text);
      } catch (error) {
        this.#send(channel, { type: "error", message: (error as Error).message });
        channel.close("protocol error");
        return;
      }
      // A batch of outcomes counts as its outcomes, as the real coordinator handles them.
      for (const one of message.type === "outcomes" ? message.outcomes : [message]) this.received.push({ peer: peer?.id ?? "?", message: one });
      if (message.type === "hello") {
        const id = message.peerId ?? `peer-${this.#nextPeer++}`;
        peer = { id, channel, hello: message, jobsSent: new Set() };
        this.peers.set(id, peer);
        const welcome = { protocol: PROTOCOL_VERSION, peerId: id, secret: `s-${this.#nextSecret++}`, shardHandle: `h-${id}` };
        this.#send(channel, { type: "welcome", ...welcome, heartbeatMs: this.heartbeatMs, shardBaseUrl: this.shardBaseUrl });
      } else if (message.type === "request-work" && peer) {
        this.#grant(peer, message.freeSlots);
      }
      for (const waiter of this.#waiters.splice(0)) waiter();
    });
    channel.onClose(() => {
      if (peer && this.peers.get(peer.id)?.channel === channel) this.peers.delete(peer.id);
    });
  }

  /** Queues assignments of a job; they go out as volunteers ask for work. */
  enqueue(jobId: string, spec: JobSpec, assignments: Assignment[]): void {
    this.jobs.set(jobId, spec);
    this.queue.push(...assignments);
  }

  send(peerId: string, message: CoordinatorToWorker): void {
    const peer = this.peers.get(peerId);
    if (peer) this.#send(peer.channel, message);
  }

  /** Messages of one type received so far. */
  messages<T extends WorkerToCoordinator["type"]>(type: T): Array<Extract<WorkerToCoordinator, { type: T }>> {
    return this.received.map((r) => r.message).filter((m): m is Extract<WorkerToCoordinator, { type: T }> => m.type === type);
  }

  /** Resolves once `predicate` holds, checking after every message; rejects after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error("FakeCoordinator.until timed out");
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  #grant(peer: FakePeer, freeSlots: number): void {
    const given = this.queue.splice(0, freeSlots + 1);
    if (given.length === 0) return;
    for (const jobId of new Set(given.map((a) => a.jobId))) {
      if (peer.jobsSent.has(jobId)) continue;
      peer.jobsSent.add(jobId);
      this.#send(peer.channel, { type: "job", jobId, spec: this.jobs.get(jobId)! });
    }
    this.#send(peer.channel, { type: "assign", assignments: given });
  }

  #send(channel: Channel, message: CoordinatorToWorker): void {
    channel.send(encodeMessage(message));
  }
}
