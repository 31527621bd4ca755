import { describe, expect, it } from "vitest";
import type { TickerCommand } from "./workerTicker.ts";
import { workerTicker } from "./workerTicker.ts";

/** Stands in for the ticker Web Worker: records commands, and ticks an interval when told. */
class FakeWorker {
  readonly commands: TickerCommand[] = [];
  onmessage: ((event: MessageEvent<number>) => void) | null = null;
  postMessage(command: TickerCommand): void {
    this.commands.push(command);
  }
  tick(id: number): void {
    this.onmessage?.({ data: id } as MessageEvent<number>);
  }
}

describe("workerTicker", () => {
  it("runs every interval in one worker and routes each tick to its own callback until stopped", () => {
    const workers: FakeWorker[] = [];
    const ticker = workerTicker(() => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker as unknown as Worker;
    });
    const ticks: string[] = [];
    const stopHeartbeat = ticker(() => ticks.push("heartbeat"), 10_000);
    ticker(() => ticks.push("poll"), 5000);
    expect(workers).toHaveLength(1);
    const worker = workers[0]!;
    expect(worker.commands).toEqual([{ start: 0, ms: 10_000 }, { start: 1, ms: 5000 }]);
    worker.tick(0);
    worker.tick(1);
    worker.tick(0);
    stopHeartbeat();
    expect(worker.commands.at(-1)).toEqual({ stop: 0 });
    worker.tick(0);
    worker.tick(7);
    expect(ticks).toEqual(["heartbeat", "poll", "heartbeat"]);
  });

  it("falls back to the page's setInterval when no worker can be made", async () => {
    const ticker = workerTicker(() => {
      throw new Error("workers are blocked");
    });
    let ticks = 0;
    const stop = ticker(() => ticks++, 5);
    await expect.poll(() => ticks).toBeGreaterThan(1);
    stop();
    const after = ticks;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ticks).toBe(after);
  });
});
