import { describe, expect, it } from "vitest";
import type { Logger } from "../Logger.ts";
import type { Closable } from "./keepCoordinatorPeer.ts";
import { keepCoordinatorPeer } from "./keepCoordinatorPeer.ts";

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe("keepCoordinatorPeer", () => {
  it("retries a refused start until the peer registers, instead of leaving WebRTC off", async () => {
    const logger = recordingLogger();
    let calls = 0;
    let closed = 0;
    const kept = await keepCoordinatorPeer(async () => {
      calls += 1;
      if (calls < 3) throw new Error("ID is taken");
      return { close: () => (closed += 1) };
    }, logger, [1]);
    expect(calls).toBe(1);
    await until(() => calls === 3);
    await until(() => logger.lines.some((l) => l.startsWith("info")));
    expect(logger.lines.filter((l) => l.startsWith("warn"))).toHaveLength(2);
    expect(logger.lines[0]).toMatch(/WebRTC is waiting: .*ID is taken.*retrying/);
    kept.close();
    expect(closed).toBe(1);
  });

  it("stops retrying once closed, and closes a peer that registers after that", async () => {
    let calls = 0;
    let release: ((peer: Closable) => void) | undefined;
    let closedLate = false;
    const kept = await keepCoordinatorPeer(() => {
      calls += 1;
      if (calls === 1) return Promise.reject(new Error("no answer"));
      return new Promise<Closable>((resolve) => (release = resolve));
    }, recordingLogger(), [1]);
    await until(() => release !== undefined);
    kept.close();
    release!({ close: () => (closedLate = true) });
    await until(() => closedLate);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(2);
  });
});
