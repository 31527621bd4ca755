import type { IceServer } from "@shoal/protocol";
import { SendQueue } from "../channel/SendQueue.ts";
import type { CandidateLike, DataChannelLike, MakePeerConnection, PeerConnectionLike } from "./PeerConnectionLike.ts";

/** What a data channel through the TURN relay measured. */
export interface RelayMeasurement {
  /** Median round trip of small messages, in milliseconds. */
  rttMs: number;
  /** Bytes sent through the relay (paced by backpressure) per second, in MB/s. */
  megabytesPerSecond: number;
}

const FRAME = "x".repeat(16 * 1024);

/**
 * Opens a data channel between two peer connections of this runtime that may both use only
 * TURN relays, so every byte crosses the relay twice (as between two donors behind strict NATs,
 * and without needing this machine's own addresses to be reachable from the relay); then
 * measures round trips and throughput on it. Rejects when no channel opens within `timeoutMs`
 * (the relay refused the credentials or cannot be reached).
 */
export async function measureRelay(make: MakePeerConnection, iceServers: IceServer[], options: { timeoutMs?: number; bytes?: number; pings?: number } = {}): Promise<RelayMeasurement> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const relayed = make({ iceServers, iceTransportPolicy: "relay" });
  const local = make({ iceServers, iceTransportPolicy: "relay" });
  try {
    const channel = await connect(relayed, local, timeoutMs);
    const rtts: number[] = [];
    for (let i = 0; i < (options.pings ?? 10); i++) rtts.push(await roundTrip(channel, `ping:${i}`, timeoutMs));
    rtts.sort((a, b) => a - b);
    const frames = Math.max(1, Math.ceil((options.bytes ?? 2 * 1024 * 1024) / FRAME.length));
    const started = performance.now();
    const queue = new SendQueue(channel, (frame) => channel.send(frame), () => undefined);
    const received = reply(channel, timeoutMs * 3, (text) => text === `got:${frames}`);
    for (let i = 0; i < frames; i++) {
      await queue.whenWritable();
      queue.push([FRAME]);
    }
    await received;
    queue.stop();
    const seconds = (performance.now() - started) / 1000;
    return { rttMs: rtts[Math.floor(rtts.length / 2)]!, megabytesPerSecond: (frames * FRAME.length) / 1e6 / seconds };
  } finally {
    relayed.close();
    local.close();
  }
}

/** Connects `a` (which dials) to `b` (which echoes pings and counts frames), exchanging descriptions and candidates in memory. */
async function connect(a: PeerConnectionLike, b: PeerConnectionLike, timeoutMs: number): Promise<DataChannelLike> {
  const toA = candidatesFor(a);
  const toB = candidatesFor(b);
  a.onicecandidate = (event) => event.candidate && toB.add(event.candidate);
  b.onicecandidate = (event) => event.candidate && toA.add(event.candidate);
  b.ondatachannel = ({ channel }) => {
    let frames = 0;
    channel.onmessage = ({ data }) => {
      if (typeof data !== "string") return;
      if (data.startsWith("ping:")) channel.send(data);
      else channel.send(`got:${++frames}`);
    };
  };
  const channel = a.createDataChannel("shoal-relay-check");
  const open = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no data channel through the TURN relay within ${timeoutMs} ms`)), timeoutMs);
    channel.onopen = () => (clearTimeout(timer), resolve());
  });
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  await b.setRemoteDescription(offer);
  toB.ready();
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
  toA.ready();
  await open;
  return channel;
}

/** Candidates for `pc`, held until it has the remote description (a candidate added before it is refused). */
function candidatesFor(pc: PeerConnectionLike): { add(candidate: CandidateLike): void; ready(): void } {
  let held: CandidateLike[] | undefined = [];
  const add = (candidate: CandidateLike) => void pc.addIceCandidate(candidate).catch(() => undefined);
  return {
    add: (candidate) => (held ? held.push(candidate) : add(candidate)),
    ready: () => {
      held?.forEach(add);
      held = undefined;
    },
  };
}

async function roundTrip(channel: DataChannelLike, text: string, timeoutMs: number): Promise<number> {
  const started = performance.now();
  const echoed = reply(channel, timeoutMs, (data) => data === text);
  channel.send(text);
  await echoed;
  return performance.now() - started;
}

function reply(channel: DataChannelLike, timeoutMs: number, matches: (text: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer through the TURN relay within ${timeoutMs} ms`)), timeoutMs);
    channel.onmessage = ({ data }) => {
      if (typeof data === "string" && matches(data)) {
        clearTimeout(timer);
        channel.onmessage = null;
        resolve();
      }
    };
  });
}
