/** The part of an RTCDataChannel the send queue watches: its outgoing buffer. */
export interface BufferedWire {
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  addEventListener(type: "bufferedamountlow", listener: () => void): void;
  removeEventListener(type: "bufferedamountlow", listener: () => void): void;
}

/**
 * Buffer sizes of one data channel, in UTF-16 code units of queued frames plus the wire's own
 * `bufferedAmount` (frames on our channels are JSON, and shard chunks are ASCII base64, so a code
 * unit is a byte there). Chromium closes a channel whose buffer passes 16 MiB; the high-water
 * mark keeps the wire far below it.
 */
export const SEND_LIMITS = {
  /** Frames go to the wire only while its buffer is below this. */
  highWaterBytes: 1024 * 1024,
  /** The wire says `bufferedamountlow` when it drains to this. */
  lowWaterBytes: 256 * 1024,
  /** A sender that ignores `whenWritable` and queues more than this has the channel closed. */
  maxQueuedBytes: 96 * 1024 * 1024,
  /** How often the buffer is checked where the runtime never fires `bufferedamountlow` (@roamhq/wrtc). */
  pollMs: 10,
} as const;

/**
 * Sends frames on a data channel with backpressure: frames wait in this queue while the wire's
 * buffer is above the high-water mark, so a large shard never overflows the channel, and
 * {@link SendQueue.whenWritable} tells a sender when to go on. Past `maxQueuedBytes` it calls
 * `onOverflow` instead of growing without bound.
 */
export class SendQueue {
  readonly #wire: BufferedWire;
  readonly #send: (frame: string) => void;
  readonly #onOverflow: (reason: string) => void;
  readonly #limits: typeof SEND_LIMITS;
  readonly #frames: string[] = [];
  readonly #waiters: Array<() => void> = [];
  #queued = 0;
  #peak = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  readonly #onLow = () => this.#pump();

  constructor(wire: BufferedWire, send: (frame: string) => void, onOverflow: (reason: string) => void, limits: typeof SEND_LIMITS = SEND_LIMITS) {
    this.#wire = wire;
    this.#send = send;
    this.#onOverflow = onOverflow;
    this.#limits = limits;
    wire.bufferedAmountLowThreshold = limits.lowWaterBytes;
    wire.addEventListener("bufferedamountlow", this.#onLow);
  }

  /** Frames waiting here plus what the wire holds. */
  get queuedBytes(): number {
    return this.#queued + this.#wire.bufferedAmount;
  }

  /** The most {@link queuedBytes} ever reached, for status lines and tests. */
  get peakQueuedBytes(): number {
    return this.#peak;
  }

  /** Queues the frames of one message, back to back, and sends what the wire takes now. */
  push(frames: readonly string[]): void {
    if (this.#stopped) return;
    for (const frame of frames) {
      this.#frames.push(frame);
      this.#queued += frame.length;
    }
    this.#peak = Math.max(this.#peak, this.queuedBytes);
    if (this.#queued > this.#limits.maxQueuedBytes) {
      this.stop();
      return this.#onOverflow(`more than ${this.#limits.maxQueuedBytes} bytes waiting to be sent`);
    }
    this.#pump();
  }

  /** Resolves once the queue is below the high-water mark (or stopped), so a sender can go on. */
  whenWritable(): Promise<void> {
    if (this.#stopped || this.queuedBytes < this.#limits.highWaterBytes) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#timer ??= setTimeout(() => this.#pump(), this.#limits.pollMs);
    });
  }

  /** Drops what is queued and releases every waiter; the channel is closing. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#frames.length = 0;
    this.#queued = 0;
    this.#wire.removeEventListener("bufferedamountlow", this.#onLow);
    this.#waiters.splice(0).forEach((resolve) => resolve());
  }

  #pump(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (!this.#stopped && this.#frames.length > 0 && this.#wire.bufferedAmount < this.#limits.highWaterBytes) {
      const frame = this.#frames.shift()!;
      this.#queued -= frame.length;
      this.#send(frame);
    }
    if (this.#stopped) return;
    if (this.queuedBytes < this.#limits.highWaterBytes) this.#waiters.splice(0).forEach((resolve) => resolve());
    if (this.#frames.length > 0 || this.#waiters.length > 0) this.#timer = setTimeout(() => this.#pump(), this.#limits.pollMs);
  }
}
