import { parseArgs } from "node:util";
import { durationText, LIMITS, parseDuration } from "@shoal/protocol";
import { loadCoordinator } from "../loadCoordinator.ts";
import { storeUrl } from "../storeUrl.ts";
import { argsError, UsageError } from "../UsageError.ts";
import { readIceConfig } from "./readIceConfig.ts";

export const COORDINATOR_HELP = `usage: shoal coordinator [options]

  --port P            port to listen on (default 8080; 0 picks a free one)
  --host H            interface to listen on (default 127.0.0.1)
  --data-dir D        SQLite store and shards (default ./data)
  --store URL         keep the store in PostgreSQL instead of SQLite: postgres://user:password@host:port/db
                      (or set SHOAL_STORE_URL, which keeps the password out of the process list);
                      shards stay in --data-dir; any number of coordinators may share one database
  --lease-ttl T       with --store: how long a job's owner may go without renewing its lease before
                      another coordinator takes the job over (default 15s; 1s to 10m)
  --public-url URL    base URL workers reach this coordinator at, if not http://HOST:PORT
  --no-webrtc         serve workers over WebSocket only
  --peer-retention T  how long a volunteer that left may come back under its id (default 7d)
  --heartbeat T       how often volunteers must say they are alive (default 10s; 1s to 60s)
  --silence-timeout T a volunteer silent this long is dropped and its tasks re-queued
                      (default 3 heartbeats, 30s; from 2 heartbeats to 10m)
  --max-tasks-per-job N   most tasks one job may plan (default 100000)
  --max-queued-tasks N    most tasks running jobs may hold together (default 1000000)
  --max-series N          most series in one uploaded dataset (default 10000)
  --max-points N          most points in one job's parameter grid (default 100000)
  --max-task-memos N      most task outputs kept for incremental jobs; past it the oldest are
                          evicted, so later jobs reuse less (default 1000000)
  --max-live-jobs N       most live jobs (submit --live) kept at once, all authors together (default 8)
  --max-live-jobs-per-token N
                          most live jobs one author token may keep at once (default 8)
  --ice-servers FILE      STUN/TURN servers for volunteers' data channels (a JSON list of RTCIceServer, at most 16 KiB)
  --turn-secret SECRET    coturn's static-auth-secret: TURN servers in FILE without a username get time-limited
                          credentials per volunteer (use-auth-secret); the secret itself is never sent
  --turn-secret-file F    the same, read from a file
  --turn-ttl SECONDS      how long issued TURN credentials last (default 3600)

stdout: the URL, and on first start an author token. Logs go to stderr. Stop with Ctrl-C.`;

/** `shoal coordinator`: runs the coordinator until SIGINT or SIGTERM, then shuts it down cleanly. */
export async function coordinatorCommand(argv: string[], webDist?: string): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "data-dir": { type: "string" },
        store: { type: "string" },
        "lease-ttl": { type: "string" },
        "public-url": { type: "string" },
        "no-webrtc": { type: "boolean" },
        "peer-retention": { type: "string" },
        heartbeat: { type: "string" },
        "silence-timeout": { type: "string" },
        "max-tasks-per-job": { type: "string" },
        "max-queued-tasks": { type: "string" },
        "max-series": { type: "string" },
        "max-points": { type: "string" },
        "max-task-memos": { type: "string" },
        "max-live-jobs": { type: "string" },
        "max-live-jobs-per-token": { type: "string" },
        "ice-servers": { type: "string" },
        "turn-secret": { type: "string" },
        "turn-secret-file": { type: "string" },
        "turn-ttl": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw argsError(error, "coordinator");
  }
  if (values.help) {
    process.stdout.write(`${COORDINATOR_HELP}\n`);
    return 0;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${values.port}: expected 0 to 65535`);
  const dataDir = values["data-dir"] ?? "./data";
  const store = storeUrl(values.store);
  let peerRetentionMs: number | undefined;
  try {
    peerRetentionMs = values["peer-retention"] === undefined ? undefined : parseDuration(values["peer-retention"]);
  } catch (error) {
    throw new UsageError(`--peer-retention: ${(error as Error).message}`);
  }
  const { heartbeatMs, silenceMs } = liveness(values.heartbeat, values["silence-timeout"]);
  const leaseTtlMs = leaseTtl(values["lease-ttl"], store);
  const limits = {
    maxTasksPerJob: positive("--max-tasks-per-job", values["max-tasks-per-job"]),
    maxQueuedTasks: positive("--max-queued-tasks", values["max-queued-tasks"]),
    maxSeriesPerDataset: positive("--max-series", values["max-series"]),
    maxPoints: positive("--max-points", values["max-points"], LIMITS.paramPoints),
    maxTaskMemos: positive("--max-task-memos", values["max-task-memos"]),
    maxLiveJobs: positive("--max-live-jobs", values["max-live-jobs"]),
    maxLiveJobsPerToken: positive("--max-live-jobs-per-token", values["max-live-jobs-per-token"]),
  };
  const { startCoordinator, redactUrl, PostgresUnavailableError } = await loadCoordinator("coordinator");
  const ice = readIceConfig({ iceServers: values["ice-servers"], turnSecret: values["turn-secret"], turnSecretFile: values["turn-secret-file"], turnTtl: values["turn-ttl"] });
  const starting = startCoordinator({
    webDist,
    limits,
    port,
    dataDir,
    store,
    host: values.host,
    publicUrl: values["public-url"]?.replace(/\/+$/, ""),
    webrtc: values["no-webrtc"] ? false : undefined,
    peerRetentionMs,
    ice,
    heartbeatMs,
    silenceMs,
    leaseTtlMs,
  });
  let coordinator;
  try {
    coordinator = await starting;
  } catch (error) {
    if (!(error instanceof PostgresUnavailableError)) throw error;
    process.stderr.write(`shoal: ${error.message}\n`);
    return 1;
  }
  process.stdout.write(`shoal coordinator: ${coordinator.url} (${store === undefined ? `data in ${dataDir}` : `store ${redactUrl(store)}, shards in ${dataDir}`})\n`);
  if (coordinator.token) process.stdout.write(`author token (shown once; make more with 'shoal token create'): ${coordinator.token}\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await coordinator.close();
  return 0;
}

/** The most often a volunteer may be asked to heartbeat, and the least often. */
const HEARTBEAT_MS = { min: 1000, max: 60_000, default: 10_000 };
/** The longest silence tolerated: past it a vanished donor would hold its leases for too long. */
const MAX_SILENCE_MS = 10 * 60_000;

/**
 * `--heartbeat` and `--silence-timeout` as milliseconds (undefined: the coordinator's default). The
 * silence must span at least two heartbeats, so one late heartbeat never drops a live volunteer.
 */
function liveness(heartbeat: string | undefined, silence: string | undefined): { heartbeatMs?: number; silenceMs?: number } {
  const heartbeatMs = duration("--heartbeat", heartbeat);
  if (heartbeatMs !== undefined && (heartbeatMs < HEARTBEAT_MS.min || heartbeatMs > HEARTBEAT_MS.max)) {
    throw new UsageError(`--heartbeat ${heartbeat}: expected from ${durationText(HEARTBEAT_MS.min)} to ${durationText(HEARTBEAT_MS.max)}`);
  }
  const silenceMs = duration("--silence-timeout", silence);
  const beat = heartbeatMs ?? HEARTBEAT_MS.default;
  if (silenceMs !== undefined && (silenceMs < 2 * beat || silenceMs > MAX_SILENCE_MS)) {
    throw new UsageError(`--silence-timeout ${silence}: expected from two heartbeats (${durationText(2 * beat)}) to ${durationText(MAX_SILENCE_MS)}`);
  }
  return { heartbeatMs, silenceMs };
}

/** The shortest and longest job lease `--lease-ttl` takes. */
const LEASE_TTL_MS = { min: 1000, max: 10 * 60_000 };

/** `--lease-ttl` as milliseconds (undefined: the default); only with a PostgreSQL store, where leases exist. */
function leaseTtl(text: string | undefined, store: string | undefined): number | undefined {
  const ms = duration("--lease-ttl", text);
  if (ms === undefined) return undefined;
  if (store === undefined) throw new UsageError("--lease-ttl needs --store: job leases are shared through PostgreSQL (one coordinator on SQLite owns every job)");
  if (ms < LEASE_TTL_MS.min || ms > LEASE_TTL_MS.max) throw new UsageError(`--lease-ttl ${text}: expected from ${durationText(LEASE_TTL_MS.min)} to ${durationText(LEASE_TTL_MS.max)}`);
  return ms;
}

function duration(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}

/** A limit flag's value: undefined when absent (the coordinator's default), else a positive integer up to `max`. */
function positive(flag: string, text: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} ${text}: expected an integer from 1 to ${max}`);
  return n;
}
