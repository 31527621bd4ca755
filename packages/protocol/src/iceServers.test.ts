import { describe, expect, it } from "vitest";
import { encodeMessage, parseCoordinatorMessage } from "./parseMessages.ts";
import { ICE_LIMITS, isTurnServer, parseIceServers } from "./iceServers.ts";
import { PROTOCOL_VERSION } from "./messages.ts";
import type { IceServersMessage } from "./messages.ts";

describe("parseIceServers", () => {
  it.each([
    ["[]", []],
    ['[{"urls":"stun:stun.example.org:3478"}]', [{ urls: "stun:stun.example.org:3478" }]],
    ['[{"urls":["turn:127.0.0.1:3478?transport=udp","turns:relay.example.org"],"username":"u","credential":"c"}]', [{ urls: ["turn:127.0.0.1:3478?transport=udp", "turns:relay.example.org"], username: "u", credential: "c" }]],
  ])("accepts %s", (text, expected) => {
    expect(parseIceServers(text)).toEqual(expected);
  });

  it.each([
    ["not JSON", "{", /must be JSON/],
    ["an object, not a list", '{"urls":"stun:a"}', /expected array/],
    ["an http URL", '[{"urls":"http://evil.example/"}]', /at \[0\]\.\[urls\]: expected a stun:, stuns:, turn: or turns: URL/],
    ["a javascript: URL among good ones", '[{"urls":["stun:a","javascript:alert(1)"]}]', /\[0\]\.\[urls\]/],
    ["an unknown key", '[{"urls":"stun:a","credentialType":"oauth"}]', /Unrecognized key/],
    ["an empty credential", '[{"urls":"turn:a","username":"u","credential":""}]', /credential/],
    ["too many servers", JSON.stringify(Array.from({ length: ICE_LIMITS.servers + 1 }, () => ({ urls: "stun:a" }))), /at most|Too big/i],
    ["too many URLs", JSON.stringify([{ urls: Array.from({ length: ICE_LIMITS.urls + 1 }, () => "stun:a") }]), /Too big/i],
    ["an oversized URL", JSON.stringify([{ urls: `stun:${"a".repeat(ICE_LIMITS.urlChars)}` }]), /Too big/i],
    ["an oversized file", `[${" ".repeat(ICE_LIMITS.fileBytes)}]`, /at most 16384 bytes/],
  ])("refuses %s with a clear error", (_name, text, message) => {
    expect(() => parseIceServers(text)).toThrow(message);
  });

  it("tells TURN servers from STUN ones", () => {
    expect(isTurnServer({ urls: ["stun:a", "turns:b"] })).toBe(true);
    expect(isTurnServer({ urls: "stun:a" })).toBe(false);
  });
});

describe("welcome.iceServers", () => {
  const welcome = { type: "welcome", protocol: PROTOCOL_VERSION, peerId: "p1", secret: "s".repeat(43), shardHandle: "h1", heartbeatMs: 1000, shardBaseUrl: "/shards" } as const;

  it("carries time-limited TURN credentials to a worker", () => {
    const iceServers = [{ urls: "turn:127.0.0.1:3478", username: "1767225600:p1", credential: "q0Zz4B6lHcP3sVQ0nAQm9Fv9x2Y=" }];
    expect(parseCoordinatorMessage(encodeMessage({ ...welcome, iceServers }))).toEqual({ ...welcome, iceServers });
  });

  it("refuses a forged welcome pointing a worker at an http URL or carrying too many servers", () => {
    expect(() => parseCoordinatorMessage(JSON.stringify({ ...welcome, iceServers: [{ urls: "http://evil.example" }] }))).toThrow(/iceServers/);
    const many = Array.from({ length: ICE_LIMITS.servers + 1 }, () => ({ urls: "stun:a" }));
    expect(() => parseCoordinatorMessage(JSON.stringify({ ...welcome, iceServers: many }))).toThrow(/iceServers/);
  });
});

describe("the ice-servers message (TURN credentials renewed while connected)", () => {
  it("carries fresh ICE servers to a worker", () => {
    const message: IceServersMessage = { type: "ice-servers", iceServers: [{ urls: "turn:127.0.0.1:3478", username: "1767229200:p1", credential: "q0Zz4B6lHcP3sVQ0nAQm9Fv9x2Y=" }] };
    expect(parseCoordinatorMessage(encodeMessage(message))).toEqual(message);
  });

  it.each([
    ["an http URL", { iceServers: [{ urls: "http://evil.example" }] }, /bad ice-servers message from coordinator at iceServers/],
    ["too many servers", { iceServers: Array.from({ length: ICE_LIMITS.servers + 1 }, () => ({ urls: "turn:a" })) }, /at iceServers/],
    ["an oversized credential", { iceServers: [{ urls: "turn:a", username: "u", credential: "c".repeat(ICE_LIMITS.credentialChars + 1) }] }, /at iceServers\.0\.credential/],
    ["no list", {}, /at iceServers/],
    ["an extra key", { iceServers: [], policy: "all" }, /Unrecognized key/],
    ["a megabyte of padding", { iceServers: [{ urls: `turn:${"a".repeat(2 * 1024 * 1024)}` }] }, /larger than 1048576 bytes/],
  ])("refuses a forged or oversized one: %s", (_name, body, message) => {
    expect(() => parseCoordinatorMessage(JSON.stringify({ type: "ice-servers", ...body }))).toThrow(message);
  });
});
