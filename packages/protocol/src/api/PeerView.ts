import type { JobId, PeerId } from "../ids.ts";
import type { Reach } from "../messages.ts";

/** A connected volunteer as `GET /api/peers` lists it. */
export interface PeerView {
  id: PeerId;
  /** How it is connected: a WebRTC data channel, a WebSocket, or in-process (tests). */
  transport: "webrtc" | "ws" | "memory";
  threads: number;
  /** The Lua engines it said it runs; it only gets tasks of jobs on one of them. */
  engines: string[];
  tasksDone: number;
  /** How other peers can reach it for shards (its connectivity check), if it reported one. */
  reach?: Reach;
  shards: number;
  leases: number;
  /** Jobs this peer holds leases for now, each once. */
  jobs: JobId[];
  reputation: { wins: number; losses: number; refused: boolean };
  connectedAt: string;
  /** When it last sent anything; past the silence limit it is dropped. */
  lastHeardAt: string;
}
