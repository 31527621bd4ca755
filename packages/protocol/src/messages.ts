import type { DonorHello } from "./credit/DonorHello.ts";
import type { IceServer } from "./iceServers.ts";
import type { FailureKind } from "./failureKinds.ts";
import type { ShardHash } from "./ids.ts";
import type { JobSpec } from "./jobSpec.ts";
import type { Json } from "./json.ts";
import type { MapTaskSpec, ReduceTaskSpec } from "./tasks.ts";

/** Bumped on any incompatible change to the messages below; peers say it in their hello. */
export const PROTOCOL_VERSION = 2;

/** Why a task failed, as a worker reports it. */
export interface TaskFailureData {
  kind: FailureKind;
  message: string;
  line?: number;
  traceback?: string;
}

/** A task leased to a worker until `leaseDeadline` (epoch ms, coordinator clock). */
export interface Assignment {
  taskId: string;
  attempt: number;
  jobId: string;
  leaseDeadline: number;
  task: MapTaskSpec | ReduceTaskSpec;
  /** The shard a map task reads (its series), by content hash. */
  shard?: ShardHash;
}

// ---- worker → coordinator ----

/** The kinds of volunteer a hello may name: a donor page (or embed frame), or `shoal worker` in Node. */
export const VOLUNTEER_RUNTIMES = ["browser", "node"] as const;
export type VolunteerRuntime = (typeof VOLUNTEER_RUNTIMES)[number];

export interface Hello {
  type: "hello";
  protocol: number;
  /** The id this worker had before a reconnect, so its late results are still credited. */
  peerId?: string;
  /** The secret the welcome gave with `peerId`; without it the worker gets a fresh id. */
  secret?: string;
  threads: number;
  engines: string[];
  /** Where the volunteer runs, as it says (shown on the peers page, never trusted for anything). */
  runtime?: VolunteerRuntime;
  /** Shards the worker holds, for locality. */
  shards: ShardHash[];
  /** Whom its accepted work is credited to; absent: anonymous. */
  donor?: DonorHello;
  /**
   * On a reconnect, the attempts it still runs or has results for: the coordinator re-queues at
   * once the rest of the leases it holds for this peer id (assignments lost with the old connection)
   * instead of waiting for them to expire. Absent: nothing is released.
   */
  running?: AttemptRef[];
}
/** One attempt of one task, as a volunteer names the work it holds. */
export interface AttemptRef {
  taskId: string;
  attempt: number;
}
export interface RequestWork {
  type: "request-work";
  freeSlots: number;
}
export interface Heartbeat {
  type: "heartbeat";
}
export interface TaskResultMessage {
  type: "task-result";
  taskId: string;
  attempt: number;
  /** Map tasks give one output per point; reduce tasks one output. */
  result: { outputs: Json[] } | { output: Json };
  log: string[];
  instructions: number;
  elapsedMs: number;
}
export interface TaskFailedMessage {
  type: "task-failed";
  taskId: string;
  attempt: number;
  error: TaskFailureData;
  /** The attempt's `print` output up to its error, bounded as a result's `log` is; absent from workers that predate it. */
  log?: string[];
}
/**
 * Several task outcomes at once: a worker finishing short tasks sends what finished in the same
 * turn together, so per-message costs are paid once per batch. Each is handled as if sent alone.
 */
export interface Outcomes {
  type: "outcomes";
  outcomes: Array<TaskResultMessage | TaskFailedMessage>;
}
/** Shards the worker now also holds; the coordinator adds them to what it knows the worker has. */
export interface ShardsHeld {
  type: "shards-held";
  shards: ShardHash[];
}

/**
 * How other volunteers can reach this one for shard exchange, from its connectivity check:
 * `direct` (its own addresses work), `relay-only` (only through a TURN relay), `websocket-only`
 * (no data channel at all, so it is never offered as a shard holder nor given holders).
 */
export type Reach = "direct" | "relay-only" | "websocket-only";
/** The outcome of the volunteer's connectivity check; sent after the welcome and whenever it changes. */
export interface Connectivity {
  type: "connectivity";
  reach: Reach;
}

export type WorkerToCoordinator = Hello | RequestWork | Heartbeat | TaskResultMessage | TaskFailedMessage | Outcomes | ShardsHeld | Connectivity;

// ---- coordinator → worker ----

export interface Welcome {
  type: "welcome";
  protocol: number;
  peerId: string;
  /** Proves the worker is `peerId` when it reconnects: random, sent once, kept by the coordinator only as a hash. */
  secret: string;
  /** This session's opaque name in other workers' shard-holders (never its peer id): it serves shards under it. */
  shardHandle: string;
  heartbeatMs: number;
  /** Base URL of content-addressed shards: `${shardBaseUrl}/${hash}`. */
  shardBaseUrl: string;
  /** STUN and TURN servers for this session's data channels; TURN credentials are time-limited and its own. */
  iceServers?: IceServer[];
}
/**
 * Fresh ICE servers for the session, sent at about half the TURN credentials' lifetime so a
 * volunteer connected longer than that still has valid ones; they apply to new data channels.
 */
export interface IceServersMessage {
  type: "ice-servers";
  iceServers: IceServer[];
}
/** Sent once per job before its first assignment to a worker. */
export interface JobMessage {
  type: "job";
  jobId: string;
  spec: JobSpec;
}
export interface Assign {
  type: "assign";
  assignments: Assignment[];
}
export interface Cancel {
  type: "cancel";
  taskIds: string[];
}
/** Other peers known to hold shards, by their welcome's `shardHandle`, so a worker can ask them before HTTP. */
export interface ShardHolders {
  type: "shard-holders";
  shard: ShardHash;
  handles: string[];
}
export interface Refused {
  type: "refused";
  reason: string;
}
/** The last message on a channel that broke the protocol; the sender closes the channel after it. */
export interface ProtocolErrorMessage {
  type: "error";
  message: string;
}

export type CoordinatorToWorker = Welcome | IceServersMessage | JobMessage | Assign | Cancel | ShardHolders | Refused | ProtocolErrorMessage;

// ---- worker ↔ worker (shard exchange) ----

export interface ShardRequest {
  type: "shard-request";
  shard: ShardHash;
}
/** One chunk of a shard's bytes, base64 in JSON channels; `index` of `count`, sizes bounded. */
export interface ShardChunk {
  type: "shard-chunk";
  shard: ShardHash;
  index: number;
  count: number;
  bytes: number;
  data: string;
}
export interface ShardMissing {
  type: "shard-missing";
  shard: ShardHash;
}

export type PeerToPeer = ShardRequest | ShardChunk | ShardMissing;
