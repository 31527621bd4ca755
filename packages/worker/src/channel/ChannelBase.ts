import type { Channel, TransportName } from "./Channel.ts";

/**
 * The listener bookkeeping every channel shares: buffering until the first message listener,
 * close-once semantics, and late close listeners. Subclasses call `deliver` and `closed`.
 */
export abstract class ChannelBase implements Channel {
  abstract readonly transport: TransportName;
  readonly #messageListeners = new Set<(text: string) => void>();
  readonly #closeListeners = new Set<(reason: string) => void>();
  readonly #early: string[] = [];
  #closeReason: string | undefined;

  get open(): boolean {
    return this.#closeReason === undefined;
  }

  send(text: string): void {
    if (this.open) this.transmit(text);
  }

  whenWritable(): Promise<void> {
    return Promise.resolve();
  }

  onMessage(listener: (text: string) => void): () => void {
    this.#messageListeners.add(listener);
    if (this.#messageListeners.size === 1 && this.#early.length > 0) {
      const early = this.#early.splice(0);
      queueMicrotask(() => early.forEach((text) => this.#dispatch(text)));
    }
    return () => this.#messageListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    const reason = this.#closeReason;
    if (reason !== undefined) queueMicrotask(() => listener(reason));
    else this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /**
   * Marks the channel closed, tells the close listeners and tears the wire down — the wire even when
   * a listener throws (its error is rethrown after), so the far end always learns of the close.
   */
  close(reason = "closed"): void {
    if (!this.open) return;
    try {
      this.closed(reason);
    } finally {
      this.shutdown(reason);
    }
  }

  /** Sends one message on the underlying wire; only called while open. */
  protected abstract transmit(text: string): void;

  /** Tears the underlying wire down after a local `close`. */
  protected abstract shutdown(reason: string): void;

  /** Hands an incoming message to the listeners, or keeps it until the first one arrives. */
  protected deliver(text: string): void {
    if (!this.open) return;
    if (this.#messageListeners.size === 0) this.#early.push(text);
    else this.#dispatch(text);
  }

  /** Marks the channel closed and tells every close listener, once; a listener's throw reaches the caller only after all of them heard. */
  protected closed(reason: string): void {
    if (!this.open) return;
    this.#closeReason = reason;
    this.#early.length = 0;
    const listeners = [...this.#closeListeners];
    this.#closeListeners.clear();
    this.#messageListeners.clear();
    const failures: unknown[] = [];
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  #dispatch(text: string): void {
    for (const listener of [...this.#messageListeners]) {
      if (!this.open) return;
      try {
        listener(text);
      } catch (error) {
        this.close(`message listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
