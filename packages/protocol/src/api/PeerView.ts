import type { JobId, PeerId } from "../ids.ts";
import type { Reach, VolunteerRuntime } from "../messages.ts";

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
  /** Browser or Node, as its hello said; null when it did not say. */
  runtime: VolunteerRuntime | null;
  /** Measured by the coordinator from results it accepted from this peer over a recent window. */
  speed: SpeedView;
  /** Up to eight of the tasks it holds leases for now (`leases` counts them all). */
  tasks: CurrentTask[];
  reputation: { wins: number; losses: number; refused: boolean };
  connectedAt: string;
  /** When it last sent anything; past the silence limit it is dropped. */
  lastHeardAt: string;
}

/** A peer's speed as the coordinator measured it from results it accepted, never as the peer claims. */
export interface SpeedView {
  /** Accepted results per minute over the window (or since the peer connected, if later). */
  tasksPerMinute: number;
  /** Mean time from handing a task out to accepting its result, over the window; null before the first. */
  meanTaskMs: number | null;
  windowMs: number;
}

/** One task a peer holds a lease for, named for people: the job's title and the task within it. */
export interface CurrentTask {
  jobId: JobId;
  /** The job's name from its script's first comment line, when it has one. */
  title?: string;
  /** The task within its job, e.g. `map/12` or `reduce/1/0`. */
  task: string;
  attempt: number;
}
