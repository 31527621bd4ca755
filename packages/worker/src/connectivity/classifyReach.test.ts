import { describe, expect, it } from "vitest";
import { classifyReach } from "./classifyReach.ts";

const turn = [{ urls: "turn:relay.example:3478", username: "1:p", credential: "c" }];
const stunAndTurn = [{ urls: "stun:stun.example" }, ...turn];
const counts = (host: number, srflx: number, relay: number) => ({ host, srflx, relay });

describe("classifyReach", () => {
  it.each([
    ["no WebRTC at all", "websocket-only", { candidates: undefined, iceServers: turn }],
    ["a LAN peer with no ICE servers", "direct", { candidates: counts(2, 0, 0), iceServers: [] }],
    ["a peer a STUN server sees from outside", "direct", { candidates: counts(1, 1, 1), iceServers: stunAndTurn }],
    ["a peer whose STUN server never answers, with a working relay", "relay-only", { candidates: counts(1, 0, 1), iceServers: stunAndTurn, relayWorks: true }],
    ["a peer told to use relays only", "relay-only", { candidates: counts(0, 0, 1), iceServers: turn, relayOnly: true }],
    ["a relay that allocates but carries no channel", "websocket-only", { candidates: counts(0, 0, 1), iceServers: turn, relayOnly: true, relayWorks: false }],
    ["a peer with no candidates at all", "websocket-only", { candidates: counts(0, 0, 0), iceServers: stunAndTurn }],
    ["a peer whose STUN and TURN both fail", "websocket-only", { candidates: counts(2, 0, 0), iceServers: stunAndTurn }],
  ] as const)("%s is %s", (_name, reach, evidence) => {
    expect(classifyReach({ ...evidence, iceServers: [...evidence.iceServers] })).toBe(reach);
  });
});
