import { describe, expect, it } from "vitest";
import { PeerSpeed, SPEED_WINDOW_MS } from "./PeerSpeed.ts";

describe("PeerSpeed", () => {
  it("has no speed before a result is accepted", () => {
    expect(new PeerSpeed(0).view(60_000)).toEqual({ tasksPerMinute: 0, meanTaskMs: null, windowMs: SPEED_WINDOW_MS });
  });

  it("counts accepted results per minute since the peer connected, and their mean time", () => {
    const speed = new PeerSpeed(0);
    for (let i = 1; i <= 6; i++) speed.accepted(i * 5000, i % 2 === 0 ? 300 : 100);
    expect(speed.view(30_000)).toEqual({ tasksPerMinute: 12, meanTaskMs: 200, windowMs: SPEED_WINDOW_MS });
  });

  it("forgets results older than the window, so a peer that slowed down shows it", () => {
    const speed = new PeerSpeed(0);
    for (let i = 0; i < 100; i++) speed.accepted(1000 + i, 50);
    speed.accepted(SPEED_WINDOW_MS + 60_000, 4000);
    expect(speed.view(SPEED_WINDOW_MS + 60_000)).toEqual({ tasksPerMinute: 0.2, meanTaskMs: 4000, windowMs: SPEED_WINDOW_MS });
  });

  it("leaves untimed results out of the mean but counts them", () => {
    const speed = new PeerSpeed(0);
    speed.accepted(10_000, undefined);
    speed.accepted(20_000, 500);
    expect(speed.view(60_000)).toMatchObject({ tasksPerMinute: 2, meanTaskMs: 500 });
  });

  it("holds a bounded number of results however many arrive", () => {
    const speed = new PeerSpeed(0);
    for (let i = 0; i < 10_000; i++) speed.accepted(60_000, 1);
    expect(speed.view(60_000).tasksPerMinute).toBe(2048);
  });
});
