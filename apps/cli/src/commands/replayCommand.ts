import { readFile, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import type { DatasetView } from "@shoal/client";
import { ShoalApiError, ShoalClient } from "@shoal/client";
import { canonicalJson } from "@shoal/protocol";
import { argsError, UsageError } from "../UsageError.ts";
import type { ReplayBatch } from "./replayBatches.ts";
import { fileLine, MAX_REPLAY_BATCH, replayBatches } from "./replayBatches.ts";

/** The largest CSV `shoal replay` reads (it holds the file in memory to send it bar by bar). */
export const MAX_REPLAY_FILE_BYTES = 64 * 1024 * 1024;
/** The longest pause between appends: an hour. */
const MAX_EVERY_MS = 3_600_000;
/** Datasets listed to find DATASET's latest version. */
const LISTED_VERSIONS = 1000;

export const REPLAY_HELP = `usage: shoal replay --coordinator URL --token T DATASET FILE.csv --every MS [--batch N]

  --coordinator URL          the coordinator, e.g. http://localhost:8080
  --token T                  an author token (or set SHOAL_TOKEN)
  --every MS                 milliseconds from one append to the next (0 to ${MAX_EVERY_MS})
  --batch N                  bars per append (1 to ${MAX_REPLAY_BATCH}, default 1)

Replays FILE.csv (the dataset's columns; bars after those DATASET holds) as a stream: appends its
bars N at a time, every MS ms, to the latest version of DATASET, so a live job on it (shoal
submit --live, the dashboard's Live toggle) reruns on each. Prints one JSON line per append on
stdout ({"version", "dataset", "bars", "of", "ms"}: ms is the append's round trip). Ctrl-C stops
after the append under way (exit 0). FILE.csv is at most ${MAX_REPLAY_FILE_BYTES / 1024 / 1024} MiB, one line per bar.
exit 2 on bad arguments or bars (the error names the file's line), 1 if the coordinator fails.`;

interface ReplayArgs {
  coordinator: string;
  token: string;
  dataset: string;
  path: string;
  everyMs: number;
  batch: number;
}

/** `shoal replay`: appends a CSV's bars to a dataset a few at a time, as a market feed would. */
export async function replayCommand(argv: string[]): Promise<number> {
  const args = parseReplayArgs(argv);
  if (args === "help") {
    process.stdout.write(`${REPLAY_HELP}\n`);
    return 0;
  }
  const batches = await readBatches(args.path, args.batch);
  const total = batches.reduce((sum, batch) => sum + batch.lines.length, 0);
  const client = new ShoalClient({ url: args.coordinator, token: args.token });
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let done = 0;
  let latest: DatasetView | undefined;
  try {
    let target = await latestVersion(client, args.dataset);
    process.stderr.write(`shoal: replaying ${total} bars of ${args.path} into dataset ${target}, ${args.batch} per append every ${args.everyMs} ms; Ctrl-C stops\n`);
    const start = Date.now();
    for (const [index, batch] of batches.entries()) {
      if (index > 0) await sleep(Math.max(0, start + index * args.everyMs - Date.now()), undefined, { signal: abort.signal }).catch(() => undefined);
      if (abort.signal.aborted) break;
      const sent = Date.now();
      latest = await appendBatch(client, target, batch, args.path);
      target = latest.id;
      done += batch.lines.length;
      process.stdout.write(`${canonicalJson({ version: latest.version ?? 1, dataset: latest.id, bars: done, of: total, ms: Date.now() - sent })}\n`);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    process.stderr.write(`shoal: ${args.coordinator}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const where = latest ? `; the latest version is ${latest.version ?? 1} (dataset ${latest.id})` : "";
  process.stderr.write(`shoal: ${abort.signal.aborted ? "stopped by a signal after" : "replayed"} ${done} of ${total} bars${where}\n`);
  return 0;
}

/** One append; the coordinator's refusal of a bar becomes a usage error naming the file's line. */
async function appendBatch(client: ShoalClient, dataset: string, batch: ReplayBatch, path: string): Promise<DatasetView> {
  try {
    return await client.appendDataset(dataset, new TextEncoder().encode(batch.body));
  } catch (error) {
    if (!(error instanceof ShoalApiError) || error.status < 400 || error.status >= 500) throw error;
    if (error.status === 401) throw new UsageError(`the coordinator refused the token: ${error.message}`);
    const line = error.line === undefined ? undefined : fileLine(batch, error.line);
    if (line === undefined) throw new UsageError(`${path}: ${error.message}`);
    throw new UsageError(`${path}:${line}: ${error.message.replace(/^line \d+: /, "")}`);
  }
}

/**
 * The newest version descending from `id`, found among the coordinator's newest datasets by their
 * `parent` links; `id` itself when nothing newer extends it (or it is older than the listing).
 */
async function latestVersion(client: ShoalClient, id: string): Promise<string> {
  const child = new Map<string, string>();
  try {
    await client.getDataset(id);
    for (const dataset of await client.listDatasets(LISTED_VERSIONS)) if (dataset.parent) child.set(dataset.parent, dataset.id);
  } catch (error) {
    if (error instanceof ShoalApiError && error.status === 404) throw new UsageError(`no dataset ${id} on the coordinator`);
    if (error instanceof ShoalApiError && error.status === 401) throw new UsageError(`the coordinator refused the token: ${error.message}`);
    throw error;
  }
  let latest = id;
  for (let next = child.get(latest); next !== undefined && next !== id; next = child.get(latest)) latest = next;
  return latest;
}

async function readBatches(path: string, batch: number): Promise<ReplayBatch[]> {
  const size = await stat(path).then(
    (info) => info.size,
    (error: Error) => {
      throw new UsageError(`${path}: ${error.message}`);
    },
  );
  if (size > MAX_REPLAY_FILE_BYTES) throw new UsageError(`${path}: ${size} bytes, more than the ${MAX_REPLAY_FILE_BYTES / 1024 / 1024} MiB shoal replay reads; split it`);
  try {
    return replayBatches(await readFile(path, "utf8"), batch);
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
}

function parseReplayArgs(argv: string[]): ReplayArgs | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { coordinator: { type: "string" }, token: { type: "string" }, every: { type: "string" }, batch: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    throw argsError(error, "replay");
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length !== 2) throw new UsageError(`expected DATASET FILE.csv, got ${positionals.length} arguments (see shoal replay --help)`);
  const [dataset, path] = positionals as [string, string];
  if (!values.coordinator) throw new UsageError("--coordinator URL is required (see shoal replay --help)");
  if (!/^https?:\/\/[^/]/.test(values.coordinator)) throw new UsageError(`--coordinator ${values.coordinator}: expected an http:// or https:// URL`);
  const token = values.token ?? process.env.SHOAL_TOKEN;
  if (!token) throw new UsageError("--token T (or SHOAL_TOKEN) is required");
  if (values.every === undefined) throw new UsageError("--every MS is required: the milliseconds between appends (see shoal replay --help)");
  const everyMs = wholeNumber("--every", values.every, 0, MAX_EVERY_MS);
  const batch = values.batch === undefined ? 1 : wholeNumber("--batch", values.batch, 1, MAX_REPLAY_BATCH);
  return { coordinator: values.coordinator.replace(/\/+$/, ""), token, dataset, path, everyMs, batch };
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`${flag} ${text}: expected a whole number from ${min} to ${max}`);
  return value;
}
