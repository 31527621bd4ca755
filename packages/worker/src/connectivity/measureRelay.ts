import type { IceServer } from "@shoal/protocol";
import { SendQueue } from "../channel/SendQueue.ts";
import type { DataChannelLike, MakePeerConnection, PeerConnectionLike } from "./PeerConnectionLike.ts";

/** What a data channel through the TURN relay measured. */
export interface RelayMeasurement {
  /** Median round trip of small messages, in milliseconds. */
  rttMs: number;
  /** Bytes sent through the relay (paced by backpressure) per second, in MB/s. */
  megabytesPerSecond: number;
}

const FRAME = "x".repeat(16 * 1024);

/**
 * Opens a data channel between two peer connections of this runtime, one of which may use only
 * TURN relays, so every byte crosses the relay; then measures round trips and throughput on it.
 * Rejects when no channel opens within `timeoutMs` (the relay refused or cannot be reached).
 */
export async function measureRelay(make: MakePeerConnection, iceServers: IceServer[], options: { timeoutMs?: number; bytes?: number; pings?: number } = {}): Promise<RelayMeasurement> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const relayed = make({ iceServers, iceTransportPolicy: "relay" });
  const local = make({ iceServers: [], iceTransportPolicy: "all" });
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
  a.onicecandidate = (event) => void (event.candidate && b.addIceCandidate(event.candidate).catch(() => undefined));
  b.onicecandidate = (event) => void (event.candidate && a.addIceCandidate(event.candidate).catch(() => undefined));
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
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
  await open;
  return channel;
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
