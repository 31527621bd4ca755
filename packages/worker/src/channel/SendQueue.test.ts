import { expect, test } from "vitest";
import type { BufferedWire } from "./SendQueue.ts";
import { SEND_LIMITS, SendQueue } from "./SendQueue.ts";

/** A wire that keeps everything sent until `drain` is called, as a congested data channel does. */
class HeldWire extends EventTarget implements BufferedWire {
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  readonly sent: string[] = [];
  take(frame: string): void {
    this.sent.push(frame);
    this.bufferedAmount += frame.length;
  }
  drain(): void {
    this.bufferedAmount = 0;
    this.dispatchEvent(new Event("bufferedamountlow"));
  }
}

const limits = { ...SEND_LIMITS, highWaterBytes: 100, lowWaterBytes: 25, maxQueuedBytes: 1_000 };

test("holds frames while the wire is above the high-water mark and sends them in order once it drains", async () => {
  const wire = new HeldWire();
  const queue = new SendQueue(wire, (frame) => wire.take(frame), () => expect.unreachable(), limits);
  expect(wire.bufferedAmountLowThreshold).toBe(25);
  queue.push(["a".repeat(80), "b".repeat(80), "c".repeat(80)]);
  expect(wire.sent.map((frame) => frame[0])).toEqual(["a", "b"]);
  let writable = false;
  const waiting = queue.whenWritable().then(() => (writable = true));
  await Promise.resolve();
  expect(writable).toBe(false);
  wire.drain();
  await waiting;
  expect(wire.sent.map((frame) => frame[0])).toEqual(["a", "b", "c"]);
  expect(queue.peakQueuedBytes).toBe(240);
});

test("closes instead of growing without bound when a sender ignores whenWritable", () => {
  const wire = new HeldWire();
  const reasons: string[] = [];
  const queue = new SendQueue(wire, (frame) => wire.take(frame), (reason) => reasons.push(reason), limits);
  for (let i = 0; i < 20; i++) queue.push(["x".repeat(80)]);
  expect(reasons).toEqual(["more than 1000 bytes waiting to be sent"]);
  expect(queue.queuedBytes).toBe(wire.bufferedAmount);
  queue.push(["after"]);
  expect(wire.sent).not.toContain("after");
});

test("releases a waiting sender when the channel closes", async () => {
  const wire = new HeldWire();
  const queue = new SendQueue(wire, (frame) => wire.take(frame), () => undefined, limits);
  queue.push(["y".repeat(200)]);
  const waiting = queue.whenWritable();
  queue.stop();
  await expect(waiting).resolves.toBeUndefined();
});
