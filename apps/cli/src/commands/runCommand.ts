import { readFile } from "node:fs/promises";
import { canonicalJson, decodeScript, JobSpecError, parseJobSpec, unsetParams } from "@shoal/protocol";
import type { JobSpec } from "@shoal/protocol";
import { prepareEngine } from "@shoal/lua";
import { planMapTasks } from "@shoal/scheduler";
import { encodeShard } from "@shoal/timeseries";
import { runJob, TaskError, TaskExecutor } from "@shoal/worker";
import { NodeJobPool } from "@shoal/worker/node";
import { ProgressLine } from "../ProgressLine.ts";
import { UsageError } from "../UsageError.ts";
import { parseRunArgs, RUN_HELP } from "./parseRunArgs.ts";
import { readCsvFile } from "./readCsvFile.ts";

/**
 * `shoal run`: runs a job on this machine exactly as the grid would — same planning,
 * same executor, same reduce tree — on worker threads. Prints the result as canonical JSON
 * (sorted keys, the quorum's rounding), so both engines print the same bytes for one job.
 */
export async function runCommand(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  if (args === "help") {
    process.stdout.write(`${RUN_HELP}\n`);
    return 0;
  }
  const spec = toSpec(await readScript(args.scriptPath), args.spec);
  const dataset = await readCsvFile(args.dataPath, { keyColumn: args.keyColumn, timeColumn: args.timeColumn });
  warnUnsetParams(spec);
  const progress = new ProgressLine();
  const pool = new NodeJobPool({ threads: args.threads, deadlineMs: args.deadlineMs });
  try {
    const hasReduce = await probeReduce(spec);
    const tasks = planMapTasks(dataset.series, spec);
    await pool.load(spec, dataset.series.map(encodeShard));
    const result = await runJob(pool, {
      tasks,
      hasReduce,
      fanIn: spec.reduceFanIn,
      onProgress: (p) => progress.update(p),
      onLog: (lines) => progress.print(lines),
    });
    progress.end();
    process.stdout.write(`${canonicalJson(result)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof TaskError)) throw error;
    progress.end();
    const traceback = error.traceback ? `\n${error.traceback}` : "";
    process.stderr.write(`${error.message}${traceback}\n`);
    return 1;
  } finally {
    await pool.close();
  }
}

/** The job script at `path`, refused (exit 2) unless it is valid UTF-8: other bytes would reach Lua altered. */
export async function readScript(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
  try {
    return decodeScript(bytes, path);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function toSpec(script: string, options: Omit<JobSpec, "script"> | object): JobSpec {
  try {
    return parseJobSpec({ ...options, script });
  } catch (error) {
    if (error instanceof JobSpecError) throw new UsageError(error.message);
    throw error;
  }
}

/** Warns on stderr when the script reads `p.NAME` for a NAME no --param sets: it will be nil there. */
export function warnUnsetParams(spec: JobSpec): void {
  for (const name of unsetParams(spec.script, spec.params)) {
    process.stderr.write(`shoal: warning: the script reads p.${name}, but no --param ${name}=... is given, so p.${name} is nil\n`);
  }
}

/** Compiles the job once here, so a syntax or top-level error is reported before any thread starts (or anything is uploaded). */
export async function probeReduce(spec: JobSpec): Promise<boolean> {
  const probe = new TaskExecutor(await prepareEngine(spec.engine), spec, []);
  const { hasReduce } = probe;
  probe.dispose();
  return hasReduce;
}
