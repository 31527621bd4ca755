import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findDebianProgram } from "../../../../lua/src/testing/nativeLua.ts";

/** A coturn TURN server running for a test on 127.0.0.1. */
export interface Coturn {
  /** `turn:127.0.0.1:PORT?transport=udp` */
  url: string;
  /** Its `static-auth-secret` (use-auth-secret: credentials are HMACs of it). */
  secret: string;
  /** What it logged so far. */
  log(): string;
  close(): Promise<void>;
}

/** Debian's coturn `turnserver` (installed with apt-get when running as root and absent). `SHOAL_TURNSERVER` overrides. */
export function findTurnserver(): string {
  return findDebianProgram(["turnserver"], "coturn", "SHOAL_TURNSERVER", ["--version"]);
}

/**
 * Starts coturn as a child process with a temporary config: loopback only, the use-auth-secret
 * scheme with a random secret, loopback peers allowed (so local peers can relay to each other),
 * relay ports `minPort`–`maxPort`, no CLI, TLS or DTLS. Resolves once it answers a STUN binding request.
 */
export async function startCoturn(options: { port: number; minPort: number; maxPort: number }): Promise<Coturn> {
  const bin = findTurnserver();
  const dir = await mkdtemp(join(tmpdir(), "shoal-coturn-"));
  const secret = randomBytes(24).toString("hex");
  const config = [
    "listening-ip=127.0.0.1",
    `listening-port=${options.port}`,
    "relay-ip=127.0.0.1",
    `min-port=${options.minPort}`,
    `max-port=${options.maxPort}`,
    "use-auth-secret",
    `static-auth-secret=${secret}`,
    "realm=shoal.test",
    "allow-loopback-peers",
    "no-cli",
    "no-tls",
    "no-dtls",
    "fingerprint",
    "log-file=stdout",
    "simple-log",
    "verbose",
    `pidfile=${join(dir, "turnserver.pid")}`,
    `userdb=${join(dir, "turndb")}`,
  ].join("\n");
  await writeFile(join(dir, "turnserver.conf"), `${config}\n`);
  const child = spawn(bin, ["-c", join(dir, "turnserver.conf")], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const close = async () => {
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await untilStunAnswers(options.port, child, () => output);
  } catch (error) {
    await close();
    throw error;
  }
  return { url: `turn:127.0.0.1:${options.port}?transport=udp`, secret, log: () => output, close };
}

async function untilStunAnswers(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}:\n${output().slice(-2000)}`);
    if (await stunBinding(port, 100)) return;
  }
  throw new Error(`turnserver did not answer STUN on 127.0.0.1:${port}:\n${output().slice(-2000)}`);
}

/** Sends one STUN Binding request; true when a Binding success response comes back within `ms`. */
function stunBinding(port: number, ms: number): Promise<boolean> {
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
  const socket = createSocket("udp4");
  return new Promise((resolve) => {
    const finish = (answered: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => finish(false), ms);
    socket.on("error", () => finish(false));
    socket.on("message", (message) => finish(message.readUInt16BE(0) === 0x0101 && message.subarray(8, 20).equals(request.subarray(8, 20))));
    socket.send(request, port, "127.0.0.1");
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => (clearTimeout(kill), resolve()));
    child.kill("SIGTERM");
  });
}
