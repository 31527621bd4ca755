import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { parseDuration } from "@shoal/protocol";
import type { VolunteerExecutor } from "@shoal/worker";
import { reportLines, reportPassed } from "@shoal/worker";
import { checkNodeConnectivity, NodeVolunteer } from "@shoal/worker/node";
import { LyingExecutor } from "@shoal/worker/testing/LyingExecutor";
import type { NodeVolunteerStatus } from "@shoal/worker/node";
import { argsError, UsageError } from "../UsageError.ts";
import { readDonorKey } from "./readDonorKey.ts";

export const WORKER_HELP = `usage: shoal worker --coordinator URL [options]

  --coordinator URL          the coordinator, e.g. http://localhost:8080
  --threads N                executor threads (default: CPU count)
  --transport webrtc|ws      WebRTC data channel (default; falls back to the WebSocket) or WebSocket only
  --cache-dir DIR            keep shards on disk here (default: in memory)
  --cache-size BYTES         shard cache quota, e.g. 2G, 500M (default: unlimited)
  --deadline DURATION        wall-clock limit per task (default 10m)
  --status-every DURATION    how often to log a status line (default 30s)
  --donor-key KEY            credit accepted work to this donor key (the donor page shows yours)
  --donor-key-file PATH      read the donor key from PATH, or make one there if it does not exist
  --relay-only               exchange shards with other volunteers only through the coordinator's TURN relays
  --check                    check connectivity instead of working: the coordinator over WebSocket, ICE
                             candidates, a data channel through the TURN relay (RTT, throughput); prints a
                             report and exits 0 when all passed and other volunteers can reach this one, else 1

Each executor thread first warms its task path up (about 0.3 s of CPU) so its first tasks run at full
speed. Runs until Ctrl-C (SIGINT) or SIGTERM. Logs to stderr. Exit 1 if the coordinator refuses
this worker.`;

/** Everything `shoal worker` was asked to do, checked. */
interface WorkerArgs {
  coordinator: string;
  threads: number;
  transport: "webrtc" | "ws";
  cacheDir: string | undefined;
  cacheBytes: number | undefined;
  deadlineMs: number;
  statusMs: number;
  /** Whom accepted work is credited to; unset: anonymous. */
  donorKey: string | undefined;
  relayOnly: boolean;
  check: boolean;
  /** TEST ONLY (hidden `--lie`, or SHOAL_TEST_LIE=1): corrupt every result, to exercise quorum and reputation. */
  lie: boolean;
}

/** `shoal worker`: lends this machine's CPUs to a coordinator until stopped. */
export async function workerCommand(argv: string[]): Promise<number> {
  const args = parseWorkerArgs(argv);
  if (args === "help") {
    process.stdout.write(`${WORKER_HELP}\n`);
    return 0;
  }
  if (args.check) return check(args);
  const log = (line: string) => process.stderr.write(`shoal worker: ${line}\n`);
  if (args.lie) log("TEST ONLY: --lie is set, every result this worker reports is corrupted");
  const volunteer = await NodeVolunteer.start({
    coordinatorUrl: args.coordinator,
    threads: args.threads,
    transport: args.transport,
    cacheDir: args.cacheDir,
    cacheBytes: args.cacheBytes,
    deadlineMs: args.deadlineMs,
    warmUp: true,
    relayOnly: args.relayOnly,
    log,
    ...(args.lie ? { wrapExecutor: (executor: VolunteerExecutor) => new LyingExecutor(executor) } : {}),
    ...(args.donorKey === undefined ? {} : { donor: { key: args.donorKey } }),
  });
  log(`${args.threads} thread${args.threads === 1 ? "" : "s"}, ${args.transport} transport, coordinator ${args.coordinator}`);
  const status = setInterval(() => void volunteer.status().then((s) => log(statusLine(s))), args.statusMs);
  const signal = new Promise<"signal">((resolve) => {
    process.once("SIGINT", () => resolve("signal"));
    process.once("SIGTERM", () => resolve("signal"));
  });
  const outcome = await Promise.race([signal, volunteer.done]);
  clearInterval(status);
  log(outcome === "signal" ? "stopping" : `stopped: refused by the coordinator (${outcome})`);
  await volunteer.stop();
  log(statusLine(await volunteer.status()));
  return outcome === "signal" ? 0 : 1;
}

/** `--check`: the connectivity report on stdout, exit 0 when it passed. */
async function check(args: WorkerArgs): Promise<number> {
  const report = await checkNodeConnectivity(args.coordinator, { relayOnly: args.relayOnly });
  const lines = reportLines(report);
  const width = Math.max(...lines.map(([label]) => label.length));
  process.stdout.write(`shoal worker --check ${args.coordinator}\n`);
  for (const [label, value] of lines) process.stdout.write(`  ${label.padEnd(width)}  ${value}\n`);
  const passed = reportPassed(report);
  process.stdout.write(passed ? "passed\n" : "failed\n");
  return passed ? 0 : 1;
}

function statusLine(s: NodeVolunteerStatus): string {
  const link = s.state === "connected" ? `connected over ${s.transport} as ${s.peerId}` : s.state;
  const megabytes = (s.shards.bytes / 1e6).toFixed(1);
  return `${link} · ${s.running} running · ${s.done} done · ${s.failed} failed · shards ${s.shards.held} held (${megabytes} MB), ${s.shards.http} via HTTP, ${s.shards.peer} from peers`;
}

function parseWorkerArgs(argv: string[]): WorkerArgs | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        coordinator: { type: "string" },
        threads: { type: "string" },
        transport: { type: "string" },
        "cache-dir": { type: "string" },
        "cache-size": { type: "string" },
        deadline: { type: "string" },
        "status-every": { type: "string" },
        "donor-key": { type: "string" },
        "donor-key-file": { type: "string" },
        lie: { type: "boolean" },
        "relay-only": { type: "boolean" },
        check: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw argsError(error, "worker");
  }
  if (values.help) return "help";
  if (!values.coordinator) throw new UsageError("--coordinator URL is required (see shoal worker --help)");
  let url: URL;
  try {
    url = new URL(values.coordinator);
  } catch {
    throw new UsageError(`--coordinator ${values.coordinator}: not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--coordinator ${values.coordinator}: expected http:// or https://`);
  const transport = values.transport ?? "webrtc";
  if (transport !== "webrtc" && transport !== "ws") throw new UsageError(`--transport ${transport}: expected webrtc or ws`);
  const threads = values.threads === undefined ? availableParallelism() : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new UsageError(`--threads ${values.threads}: expected an integer from 1 to 256`);
  return {
    coordinator: url.href.replace(/\/+$/, ""),
    threads,
    transport,
    cacheDir: values["cache-dir"],
    cacheBytes: values["cache-size"] === undefined ? undefined : bytes(values["cache-size"]),
    deadlineMs: values.deadline === undefined ? 10 * 60_000 : duration("--deadline", values.deadline),
    statusMs: values["status-every"] === undefined ? 30_000 : duration("--status-every", values["status-every"]),
    donorKey: readDonorKey(values["donor-key"], values["donor-key-file"]),
    relayOnly: values["relay-only"] === true,
    check: values.check === true,
    lie: values.lie === true || process.env.SHOAL_TEST_LIE === "1",
  };
}

function bytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  const scale = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[match?.[2]?.toLowerCase() ?? ""];
  if (!match || scale === undefined) throw new UsageError(`--cache-size ${text}: expected bytes such as 500M or 2G`);
  return Math.floor(Number(match[1]) * scale);
}

function duration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}
