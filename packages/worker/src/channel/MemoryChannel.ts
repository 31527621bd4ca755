import { ChannelBase } from "./ChannelBase.ts";

/** An in-process channel for tests: two ends, messages delivered asynchronously in order. */
export class MemoryChannel extends ChannelBase {
  readonly transport = "memory";
  #other: MemoryChannel | undefined;

  /** Two connected ends. */
  static pair(): [MemoryChannel, MemoryChannel] {
    const a = new MemoryChannel();
    const b = new MemoryChannel();
    a.#other = b;
    b.#other = a;
    return [a, b];
  }

  protected transmit(text: string): void {
    const other = this.#other;
    setTimeout(() => other?.deliver(text), 0);
  }

  protected shutdown(reason: string): void {
    const other = this.#other;
    setTimeout(() => other?.closed(`remote: ${reason}`), 0);
  }
}
