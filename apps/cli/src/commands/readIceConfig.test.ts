import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readIceConfig } from "./readIceConfig.ts";

const dir = mkdtempSync(join(tmpdir(), "shoal-ice-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const turn = file("turn.json", '[{"urls":"turn:127.0.0.1:3478"},{"urls":"stun:stun.example.org"}]');
const secret = "0123456789abcdef0123";

describe("shoal coordinator --ice-servers / --turn-secret", () => {
  it("reads a list and a secret, from the flag or a file", () => {
    expect(readIceConfig({})).toBeUndefined();
    expect(readIceConfig({ iceServers: turn, turnSecret: secret, turnTtl: "600" })).toEqual({
      servers: [{ urls: "turn:127.0.0.1:3478" }, { urls: "stun:stun.example.org" }],
      turnSecret: secret,
      credentialTtlSeconds: 600,
    });
    expect(readIceConfig({ iceServers: turn, turnSecretFile: file("secret", `${secret}\n`) })?.turnSecret).toBe(secret);
  });

  it.each([
    ["a missing file", { iceServers: join(dir, "nope.json") }, /--ice-servers .*nope.json: no such file/],
    ["an oversized file", { iceServers: file("big.json", `[${" ".repeat(20_000)}]`) }, /20002 bytes is more than the limit of 16384/],
    ["malformed JSON", { iceServers: file("bad.json", "[{") }, /--ice-servers .*: an ICE server list must be JSON/],
    ["an http URL", { iceServers: file("http.json", '[{"urls":"http://x"}]') }, /at \[0\]\.\[urls\]: expected a stun:, stuns:, turn: or turns: URL/],
    ["a short secret", { iceServers: turn, turnSecret: "short" }, /16 to 512 characters, not 5/],
    ["a secret with a space", { iceServers: turn, turnSecret: "0123456789 abcdef0123" }, /printable ASCII without spaces/],
    ["an oversized secret file", { iceServers: turn, turnSecretFile: file("huge", "x".repeat(600)) }, /more than the limit of 514/],
    ["both secret flags", { iceServers: turn, turnSecret: secret, turnSecretFile: "x" }, /not both/],
    ["a secret with no TURN server to use it for", { turnSecret: secret }, /needs a turn: server without a username/],
    ["a TTL of a year", { iceServers: turn, turnSecret: secret, turnTtl: "31536000" }, /--turn-ttl 31536000: expected seconds from 60 to 604800/],
    ["a TTL without a secret", { iceServers: turn, turnTtl: "600" }, /--turn-ttl needs --turn-secret/],
  ])("refuses %s with a clear error", (_name, flags, message) => {
    expect(() => readIceConfig(flags)).toThrow(message);
  });
});
