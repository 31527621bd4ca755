import { parseArgs } from "node:util";
import { availableParallelism } from "node:os";
import type { EngineName, JobSpecInput, ParamValue } from "@shoal/protocol";
import { DEFAULTS, ENGINE_NAMES, LIMITS, parseDuration } from "@shoal/protocol";
import { ENGINE_SPEED } from "@shoal/lua/engineSpeed";
import { argsError, UsageError } from "../UsageError.ts";

export const RUN_HELP = `usage: shoal run JOB.lua --data FILE.csv [options]

  --data FILE.csv            the dataset (long format time,key,cols... or one series)
  --key COL                  key column (default: symbol, key, series or ticker if present)
  --time COL                 time column (default: time, date, timestamp or datetime)
  --param NAME=V1,V2,...     a parameter axis; repeat for a cartesian grid (first varies slowest)
  --split rows=N             split each series into slices of N rows
  --split window=DURATION    ... or into time windows (e.g. 30d, 12h, 1w)
  --halo N                   rows of history before each slice (default 0)
  --threads N                executor threads (default: CPU count)
  --batch N                  parameter points per task (default ${DEFAULTS.batchSize})
  --engine NAME              Lua engine: fengari (default; Lua 5.3 in JavaScript, ${ENGINE_SPEED.fengari.timesNative}x native
                             Lua 5.4's time), wasmoon (Lua 5.4 in WebAssembly, ${ENGINE_SPEED.wasmoon.timesNative}x; 64-bit integers)
                             or compiled (Lua 5.4 compiled to JavaScript, ${ENGINE_SPEED.compiled.timesNative}x; refuses string
                             patterns, coroutines, load, utf8 and quant when the job is checked)
  --budget N|off             instructions per Lua call (default ${DEFAULTS.budget}); off drops the
                             budget guard (wasmoon about ${ENGINE_SPEED.wasmoon.budgetOffTimesNative}x native then), leaving the deadline to stop loops
  --deadline DURATION        wall-clock limit per task (default 10m; at most 1h when given, and
                             then part of the job: volunteers apply it too)
  --seed N                   job seed for math.random (default 0)

stdout: the result as canonical JSON (keys sorted, floats to 12 digits: the same bytes on
either engine). exit 1 on a Lua error, 2 on bad arguments, data or a script that is not UTF-8.`;

/** Everything `shoal run` was asked to do, checked. */
export interface RunArgs {
  scriptPath: string;
  dataPath: string;
  keyColumn: string | undefined;
  timeColumn: string | undefined;
  spec: Omit<JobSpecInput, "script">;
  threads: number;
  deadlineMs: number;
}

/** The options `shoal run` takes; `shoal submit` takes them too. */
export const RUN_OPTIONS = {
  data: { type: "string" },
  key: { type: "string" },
  time: { type: "string" },
  param: { type: "string", multiple: true },
  split: { type: "string" },
  halo: { type: "string" },
  threads: { type: "string" },
  batch: { type: "string" },
  engine: { type: "string" },
  budget: { type: "string" },
  deadline: { type: "string" },
  seed: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Option values as `parseArgs` gives them for {@link RUN_OPTIONS}. */
export interface RunOptionValues {
  data?: string;
  key?: string;
  time?: string;
  param?: string[];
  split?: string;
  halo?: string;
  threads?: string;
  batch?: string;
  engine?: string;
  budget?: string;
  deadline?: string;
  seed?: string;
  help?: boolean;
}

/** Parses `shoal run` arguments; throws UsageError with a one-line reason. */
export function parseRunArgs(argv: string[]): RunArgs | "help" {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: RUN_OPTIONS });
  } catch (error) {
    throw argsError(error, "run");
  }
  return runArgsFrom(parsed.values, parsed.positionals, "run");
}

/** Checks parsed run options and the JOB.lua positional; `command` names the subcommand in messages. */
export function runArgsFrom(values: RunOptionValues, positionals: string[], command: string, dataOptional = false): RunArgs | "help" {
  if (values.help) return "help";
  if (positionals.length !== 1) throw new UsageError(`expected one JOB.lua, got ${positionals.length} (see shoal ${command} --help)`);
  if (!values.data && !dataOptional) throw new UsageError("--data FILE.csv is required");
  const spec: Omit<JobSpecInput, "script"> = {
    params: parseParams(values.param ?? []),
    split: values.split === undefined ? { kind: "none" } : parseSplit(values.split),
  };
  if (values.halo !== undefined) spec.halo = integer("--halo", values.halo, 0);
  if (values.batch !== undefined) spec.batchSize = integer("--batch", values.batch, 1);
  if (values.engine !== undefined) spec.engine = engine(values.engine);
  if (values.budget !== undefined) spec.budget = budget(values.budget);
  if (values.deadline !== undefined) spec.deadlineMs = duration("--deadline", values.deadline);
  if ((spec.deadlineMs ?? 0) > LIMITS.deadlineMs) throw new UsageError(`--deadline ${values.deadline}: at most ${LIMITS.deadlineMs / 60_000} minutes`);
  if (values.seed !== undefined) spec.seed = integer("--seed", values.seed, 0);
  return {
    scriptPath: positionals[0]!,
    dataPath: values.data ?? "",
    keyColumn: values.key,
    timeColumn: values.time,
    spec,
    threads: values.threads === undefined ? availableParallelism() : integer("--threads", values.threads, 1),
    deadlineMs: values.deadline === undefined ? 10 * 60_000 : duration("--deadline", values.deadline),
  };
}

function parseParams(args: string[]): Record<string, ParamValue[]> {
  const grid: Record<string, ParamValue[]> = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0 || eq === arg.length - 1) throw new UsageError(`--param ${arg}: expected NAME=V1,V2,...`);
    const name = arg.slice(0, eq);
    if (Object.hasOwn(grid, name)) throw new UsageError(`--param ${name} given twice`);
    grid[name] = arg.slice(eq + 1).split(",").map(parseValue);
  }
  return grid;
}

function parseValue(text: string): ParamValue {
  const trimmed = text.trim();
  if (trimmed !== "" && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return trimmed;
}

function parseSplit(text: string): { kind: "rows"; rows: number } | { kind: "window"; ms: number } {
  const [kind, value] = text.split("=", 2);
  if (kind === "rows" && value !== undefined) return { kind: "rows", rows: integer("--split rows", value, 1) };
  if (kind === "window" && value !== undefined) return { kind: "window", ms: duration("--split window", value) };
  throw new UsageError(`--split ${text}: expected rows=N or window=DURATION`);
}

function budget(text: string): number | "off" {
  if (text === "off") return "off";
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1000 || value > LIMITS.budget) throw new UsageError(`--budget ${text}: expected off or an integer from 1000 to ${LIMITS.budget}`);
  return value;
}

function engine(text: string): EngineName {
  const name = ENGINE_NAMES.find((n) => n === text);
  if (name === undefined) throw new UsageError(`--engine ${text}: expected ${ENGINE_NAMES.join(" or ")}`);
  return name;
}

function integer(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`${flag} ${text}: expected an integer ≥ ${min}`);
  return value;
}

function duration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}
