import { fileURLToPath } from "node:url";
import type { SchedulerOptions } from "@shoal/scheduler";
import { CHUNK_ROWS } from "./datasets/SeriesChunks.ts";
import type { AuthorLimits } from "./limits/AuthorLimits.ts";
import { resolveAuthorLimits } from "./limits/AuthorLimits.ts";
import type { Logger } from "./Logger.ts";
import { consoleLogger } from "./Logger.ts";
import { LEASE_TIMES } from "./store/postgres/JobLeases.ts";
import { COORDINATOR_PEER_ID } from "./transport/CoordinatorPeer.ts";
import type { IceConfig } from "./transport/IceServerIssuer.ts";
import type { PeerOptionsLike } from "./transport/peerjsTypes.ts";

/** How to run a coordinator; only `dataDir` is required. */
export interface CoordinatorOptions {
  /** Holds `shoal.db` (SQLite, unless `store` is given), `shards/` and `tmp/`. */
  dataDir: string;
  /** A PostgreSQL URL (`postgres://user:password@host:port/db`) to keep the store and task history in, instead of SQLite in `dataDir`. */
  store?: string;
  /** With `store`: how long a job lease lasts unrenewed before another coordinator on the same database may take the job over. Default 15 s. */
  leaseTtlMs?: number;
  /** With `store`: how often this coordinator renews its job leases and looks for lapsed ones. Default a fifth of `leaseTtlMs`. */
  leaseRenewMs?: number;
  /** Port to listen on; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Base URL workers and browsers reach this coordinator at, if not the address it listens on (say, behind a proxy). */
  publicUrl?: string;
  logger?: Logger;
  scheduler?: Partial<SchedulerOptions>;
  /** Largest CSV upload. Default 512 MiB. */
  maxUploadBytes?: number;
  /** Rows at which a series chunk is sealed (default 65,536); smaller in tests, to see many chunks on small data. */
  chunkRows?: number;
  /** How often leases are checked for expiry. Default 500 ms. */
  tickMs?: number;
  /** Scheduler commands between snapshots. Default 500. */
  snapshotEvery?: number;
  /** How long peers known from before a restart may take to say hello again before their leases are re-queued. Default 15 s. */
  peerGraceMs?: number;
  /** Heartbeat interval asked of workers. Default 10 s (leases last 30 s). */
  heartbeatMs?: number;
  /** A connection that has not said hello by then is closed. Default 10 s. */
  helloTimeoutMs?: number;
  /** A volunteer that sends nothing (not even a heartbeat) for this long is closed and leaves. Default 3 heartbeats (30 s). */
  silenceMs?: number;
  /** How long a peer id that left stays reclaimable (with its secret) before the store prunes it. Default 7 days. */
  peerRetentionMs?: number;
  /** Minimum time between progress events of one SSE stream. Default 250 ms. */
  progressMs?: number;
  /** Requests per second one address may make of the public credit API (stats, export, donor) when not served from cache. Default 20. */
  publicRequestsPerSecond?: number;
  /** Instruction budget for running a submitted script's top level once, on the probe's thread. Default 5e7. */
  probeBudget?: number;
  /** Wall-clock time a submitted script's top level may run on the probe's thread. Default 2 s. */
  probeDeadlineMs?: number;
  /** V8 heap of the probe's thread in MB (the Lua heap gets a quarter). Default 256. */
  probeHeapMb?: number;
  /** What one author request may make the coordinator hold, checked before anything is allocated; see {@link AuthorLimits} for the defaults. */
  limits?: Partial<AuthorLimits>;
  /** Directory of the built web app. Default apps/web/dist. */
  webDist?: string;
  /** The coordinator's PeerJS peer and signalling server; false turns WebRTC off. */
  webrtc?: false | { peerId?: string; iceServers?: PeerOptionsLike["config"]["iceServers"]; maxConnections?: number };
  /** STUN and TURN servers for volunteers' data channels, given in each welcome with time-limited TURN credentials. */
  ice?: IceConfig;
}

/** Options with every default filled in. */
export type ResolvedOptions = Required<Omit<CoordinatorOptions, "publicUrl" | "webrtc" | "scheduler" | "limits" | "ice" | "store">> &
  Pick<CoordinatorOptions, "publicUrl" | "scheduler" | "ice" | "store"> & {
    limits: AuthorLimits;
    webrtc: false | { peerId: string; iceServers: PeerOptionsLike["config"]["iceServers"]; maxConnections: number };
  };

export function resolveOptions(options: CoordinatorOptions): ResolvedOptions {
  const webrtc = options.webrtc === false ? false : { peerId: COORDINATOR_PEER_ID, iceServers: [], maxConnections: 500, ...options.webrtc };
  return {
    port: 8080,
    host: "127.0.0.1",
    logger: consoleLogger,
    maxUploadBytes: 512 * 1024 * 1024,
    chunkRows: CHUNK_ROWS,
    tickMs: 500,
    snapshotEvery: 500,
    peerGraceMs: 15_000,
    heartbeatMs: 10_000,
    helloTimeoutMs: 10_000,
    silenceMs: 3 * (options.heartbeatMs ?? 10_000),
    peerRetentionMs: 7 * 24 * 60 * 60_000,
    progressMs: 250,
    publicRequestsPerSecond: 20,
    probeBudget: 5e7,
    probeDeadlineMs: 2000,
    probeHeapMb: 256,
    leaseTtlMs: LEASE_TIMES.ttlMs,
    leaseRenewMs: Math.max(1, Math.floor((options.leaseTtlMs ?? LEASE_TIMES.ttlMs) / 5)),
    webDist: fileURLToPath(new URL("../../web/dist", import.meta.url)),
    ...withoutUndefined(options),
    dataDir: options.dataDir,
    limits: resolveAuthorLimits(options.limits),
    webrtc,
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
