import { stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import { parseArgs } from "node:util";
import type { DatasetView, JobView } from "@shoal/client";
import { ShoalApiError, ShoalClient } from "@shoal/client";
import { canonicalJson } from "@shoal/protocol";
import { uploadDatasetFile } from "@shoal/client/node";
import { TaskError } from "@shoal/worker";
import { argsError, UsageError } from "../UsageError.ts";
import type { RunArgs } from "./parseRunArgs.ts";
import { RUN_HELP, RUN_OPTIONS, runArgsFrom } from "./parseRunArgs.ts";
import { JobProgress } from "./JobProgress.ts";
import { probeReduce, readScript, toSpec, warnUnsetParams } from "./runCommand.ts";

export const SUBMIT_HELP = `usage: shoal submit --coordinator URL[,URL…] --token T JOB.lua (--data FILE.csv | --dataset ID) [options]

  --coordinator URL          the coordinator, e.g. http://localhost:8080; several coordinators on
                             one database, comma-separated: when one cannot be reached the next
                             is used, so progress is followed across a coordinator's death
  --token T                  an author token (or set SHOAL_TOKEN)
  --dataset ID               a dataset the coordinator has, instead of --data: say a version made
                             by shoal append, whose unchanged tasks are reused ("reused N of M tasks")
  --replicas K               run every task on K distinct peers (default 1)
  --quorum M                 accept a result once M replicas agree (default 1)
  --live                     keep the job live: rerun it on every version shoal append makes, and
                             print one JSON line per finished version ({version, jobId, reused,
                             result, ...}) until Ctrl-C, which stops the live job and exits 0
${RUN_HELP.split("\n\n")[1]}
  (--threads is accepted for compatibility with shoal run; volunteers decide it. --deadline goes
  with the job: each volunteer applies it or its own limit, whichever is shorter.)

Uploads the data (skipped when the coordinator has it), submits the job, shows progress on stderr,
prints the result as JSON on stdout exactly as shoal run does. Ctrl-C cancels the job.
exit 1 on a Lua error or a failed job, 2 on bad arguments or data.`;

interface SubmitArgs {
  run: RunArgs;
  coordinator: string;
  /** Further coordinators on the same database, after `coordinator`. */
  fallbacks: string[];
  token: string;
  replicas: number | undefined;
  quorum: number | undefined;
  /** A stored dataset's id, given instead of a file to upload. */
  dataset: string | undefined;
  /** Rerun on every appended version, printing one JSON line per version. */
  live: boolean;
}

/** `shoal submit`: runs a job on the grid and prints what `shoal run` would print for it. */
export async function submitCommand(argv: string[]): Promise<number> {
  const args = parseSubmitArgs(argv);
  if (args === "help") {
    process.stdout.write(`${SUBMIT_HELP}\n`);
    return 0;
  }
  const { run } = args;
  const spec = toSpec(await readScript(run.scriptPath), run.spec);
  try {
    await probeReduce(spec);
  } catch (error) {
    if (error instanceof TaskError) return luaError(error);
    throw error;
  }
  if (args.dataset === undefined) {
    await stat(run.dataPath).catch((error: Error) => {
      throw new UsageError(`${run.dataPath}: ${error.message}`);
    });
  }
  warnUnsetParams(spec);
  const client = new ShoalClient({ url: args.coordinator, fallbackUrls: args.fallbacks, token: args.token });
  const say = (line: string) => process.stderr.write(`shoal: ${line}\n`);
  try {
    const dataset = args.dataset === undefined ? await upload(client, run, say) : await stored(client, args.dataset);
    let job: JobView;
    try {
      job = await client.createJob({ dataset: dataset.id, spec, ...optional("replicas", args.replicas), ...optional("quorum", args.quorum), ...(args.live ? { live: true } : {}) });
    } catch (error) {
      if (error instanceof ShoalApiError && error.status === 400 && error.line !== undefined) return luaError(error);
      if (error instanceof ShoalApiError && error.status === 400) throw new UsageError(error.message);
      throw error;
    }
    say(`submitted job ${job.id}: ${job.tasks.total} tasks${args.replicas ? `, ${args.replicas} replicas, quorum ${args.quorum ?? 1}` : ""}`);
    if (args.dataset !== undefined) say(`reused ${job.tasks.reused ?? 0} of ${job.tasks.total} tasks from earlier jobs`);
    say(`follow it at ${new URL(`/dashboard/jobs/${job.id}`, args.coordinator).href}`);
    const ready = (await client.listPeers()).filter((peer) => peer.engines.includes(job.spec.engine));
    if (ready.length === 0) {
      say(`no volunteer that runs ${job.spec.engine} is connected, so the job waits: start one with \`npx shoal worker --coordinator ${args.coordinator}\` or open ${new URL("/", args.coordinator).href} and press Start`);
    }
    return await (args.live ? followLive(client, job, say) : follow(client, job, say));
  } catch (error) {
    if (error instanceof ShoalApiError && error.status === 401) throw new UsageError(`the coordinator refused the token: ${error.message}`);
    if (error instanceof UsageError) throw error;
    say(`${args.coordinator}: ${describe(error)}`);
    return 1;
  }
}

/** Uploads the --data file unless the coordinator has it. */
async function upload(client: ShoalClient, run: RunArgs, say: (line: string) => void): Promise<DatasetView> {
  const name = basename(run.dataPath, extname(run.dataPath));
  const { dataset, uploaded } = await uploadDatasetFile(client, run.dataPath, { name, key: run.keyColumn, time: run.timeColumn }).catch((error: unknown) => {
    if (error instanceof ShoalApiError && error.status >= 400 && error.status < 500 && error.status !== 401) {
      throw new UsageError(`${run.dataPath}: ${error.message}`);
    }
    throw error;
  });
  say(`${uploaded ? "uploaded" : "the coordinator already has"} ${run.dataPath} as dataset ${dataset.id} (${dataset.series.length} series, ${dataset.rows} rows)`);
  return dataset;
}

/** The --dataset the coordinator holds; a usage error when it has none. */
async function stored(client: ShoalClient, id: string): Promise<DatasetView> {
  try {
    return await client.getDataset(id);
  } catch (error) {
    if (error instanceof ShoalApiError && error.status === 404) throw new UsageError(`--dataset ${id}: the coordinator has no such dataset`);
    throw error;
  }
}

/** Shows progress until the job ends; prints its result (exit 0) or its error (exit 1). Ctrl-C cancels it. */
async function follow(client: ShoalClient, job: JobView, say: (line: string) => void): Promise<number> {
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const progress = new JobProgress();
  let last = job;
  try {
    for await (const event of client.watchJob(job.id, { signal: abort.signal, reconnectForMs: 5 * 60_000 })) {
      last = event.job;
      progress.update(last);
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
    progress.end();
    say(`cancelling job ${job.id}`);
    await client.cancelJob(job.id);
    return 130;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  progress.end();
  if (last.status === "done") {
    process.stdout.write(`${canonicalJson(await client.getResult(job.id))}\n`);
    return 0;
  }
  if (last.status === "failed" && last.error) {
    const traceback = last.error.traceback ? `\n${last.error.traceback}` : "";
    process.stderr.write(`${last.error.message}${traceback}\n`);
    return 1;
  }
  say(`job ${job.id} ended ${last.status}`);
  return 1;
}

/**
 * Prints one JSON line per finished version of a live job (the version, job id, reused and total
 * tasks, status, and the result of a done one) until Ctrl-C, which stops the live job (exit 0), or
 * the coordinator ends it (exit 1).
 */
async function followLive(client: ShoalClient, job: JobView, say: (line: string) => void): Promise<number> {
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  say(`job ${job.id} is live: it reruns on every version appended to dataset ${job.dataset}; Ctrl-C stops it`);
  try {
    for await (const version of client.watchLive(job.id, { signal: abort.signal })) {
      const { result, ...rest } = version;
      process.stdout.write(`${canonicalJson({ ...rest, ...(result === undefined ? {} : { result }) })}\n`);
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
    await client.stopLive(job.id);
    say(`stopped live job ${job.id}`);
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  say(`live job ${job.id} was stopped`);
  return 1;
}

/** Prints a Lua error as `shoal run` does: Lua's message, then the traceback. */
function luaError(error: { message: string; traceback?: string | undefined }): number {
  process.stderr.write(`${error.message}${error.traceback ? `\n${error.traceback}` : ""}\n`);
  return 1;
}

function parseSubmitArgs(argv: string[]): SubmitArgs | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...RUN_OPTIONS,
        coordinator: { type: "string" },
        token: { type: "string" },
        replicas: { type: "string" },
        quorum: { type: "string" },
        dataset: { type: "string" },
        live: { type: "boolean" },
      },
    });
  } catch (error) {
    throw argsError(error, "submit");
  }
  const { values, positionals } = parsed;
  const run = runArgsFrom(values, positionals, "submit", values.dataset !== undefined);
  if (run === "help") return "help";
  if (values.dataset !== undefined && values.data !== undefined) throw new UsageError("give --data FILE.csv or --dataset ID, not both");
  if (values.dataset !== undefined && !/^[\w-]{1,200}$/.test(values.dataset)) throw new UsageError(`--dataset ${values.dataset}: expected a dataset id`);
  if (!values.coordinator) throw new UsageError("--coordinator URL is required (see shoal submit --help)");
  const coordinators = values.coordinator.split(",").map((url) => url.trim().replace(/\/+$/, ""));
  if (coordinators.length > 16) throw new UsageError(`--coordinator: at most 16 URLs, not ${coordinators.length}`);
  for (const url of coordinators) if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`--coordinator ${url}: expected an http:// or https:// URL`);
  const token = values.token ?? process.env.SHOAL_TOKEN;
  if (!token) throw new UsageError("--token T (or SHOAL_TOKEN) is required");
  const replicas = values.replicas === undefined ? undefined : count("--replicas", values.replicas, 16);
  const quorum = values.quorum === undefined ? undefined : count("--quorum", values.quorum, replicas ?? 1);
  return { run, coordinator: coordinators[0]!, fallbacks: coordinators.slice(1), token, replicas, quorum, dataset: values.dataset, live: values.live === true };
}

function count(flag: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new UsageError(`${flag} ${text}: expected an integer from 1 to ${max}`);
  return value;
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
