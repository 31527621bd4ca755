import { describe, expect, it } from "vitest";
import { asPeerId } from "@shoal/protocol";
import { Reputation } from "./Reputation.ts";

const P = asPeerId("p");

describe("Reputation", () => {
  it.each([
    // outcomes in order, refused after them, the record call that refused (index) or -1
    { outcomes: [false, false], refused: false, at: -1 },
    { outcomes: [false, false, false], refused: true, at: 2 },
    { outcomes: [true, false, false, false], refused: false, at: -1 },
    { outcomes: [true, false, false, false, false], refused: true, at: 4 },
    { outcomes: [false, false, false, true, true], refused: true, at: 2 },
  ])("$outcomes → refused $refused", ({ outcomes, refused, at }) => {
    const r = new Reputation(4, -12);
    const newly = outcomes.map((won) => r.record(P, won));
    expect(r.isRefused(P)).toBe(refused);
    expect(newly.indexOf(true)).toBe(at);
  });

  it("survives a JSON round trip and leaves unknown peers alone", () => {
    const r = new Reputation(4, -12);
    r.record(P, true);
    r.record(P, false);
    const back = new Reputation(4, -12, JSON.parse(JSON.stringify(r.toJSON())));
    expect(back.standing(P)).toEqual({ peer: "p", wins: 1, losses: 1, refused: false });
    expect(back.score(P)).toBe(-3);
    expect(back.standing(asPeerId("q"))).toEqual({ peer: "q", wins: 0, losses: 0, refused: false });
    expect(back.toJSON()).toHaveLength(1);
  });
});
