import type { EngineName, ParamGrid, ParamValue, SplitSpec } from "@shoal/protocol";
import { DEFAULTS, durationText, ENGINE_NAMES, gridSize, LIMITS, parseDuration } from "@shoal/protocol";

/** What the new-job form holds, as text. */
export interface JobFormText {
  /** One `name=v1,v2,...` per line; blank lines ignored. */
  params: string;
  /** `none`, `rows=N` or `window=DURATION` (e.g. `365d`). */
  split: string;
  halo: string;
  /** Parameter points per map task; blank for the spec default. */
  batchSize: string;
  engine: string;
  /** Instructions per Lua call, e.g. `1e9`, or `off`; blank for the spec default. */
  budget: string;
  /** Seed for `math.random`, a whole number; blank for 0. */
  seed: string;
  /** Wall-clock limit per task, e.g. `2m`; blank leaves it to each volunteer (5 minutes on a page, 10 in Node). */
  deadline: string;
}

/** The largest seed a job spec takes. */
const MAX_SEED = 0xffffffff;
/** The shortest per-task deadline a job spec takes. */
const MIN_DEADLINE_MS = 100;

/** The parsed form, or the first problem in words. */
export type JobFormResult =
  | { ok: true; params: ParamGrid; split: SplitSpec; halo: number; batchSize: number; engine: EngineName; budget: number | "off"; seed: number; deadlineMs?: number }
  | { ok: false; error: string };

/**
 * Parses the new-job form the way `shoal run` parses its flags (`--param fast=5,10`,
 * `--split rows=500`, `--halo 250`), so a grid job and a local run of the same text agree.
 */
export function parseJobForm(form: JobFormText): JobFormResult {
  const params: ParamGrid = {};
  for (const [index, raw] of form.params.split("\n").entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const eq = line.indexOf("=");
    const name = line.slice(0, eq).trim();
    if (eq <= 0 || eq === line.length - 1) return { ok: false, error: `parameter line ${index + 1}: expected NAME=V1,V2,...` };
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { ok: false, error: `parameter line ${index + 1}: ${JSON.stringify(name)} is not a Lua identifier` };
    if (Object.hasOwn(params, name)) return { ok: false, error: `parameter ${name} is given twice` };
    params[name] = line.slice(eq + 1).split(",").map(parseValue);
  }
  if (gridSize(params) > LIMITS.paramPoints) return { ok: false, error: `the parameter grid has ${gridSize(params)} points, more than the ${LIMITS.paramPoints} a job may have` };
  const split = parseSplit(form.split.trim());
  if (typeof split === "string") return { ok: false, error: split };
  const halo = Number(form.halo.trim() || "0");
  if (!Number.isSafeInteger(halo) || halo < 0) return { ok: false, error: `halo ${JSON.stringify(form.halo)}: expected a whole number of rows ≥ 0` };
  const batchSize = Number(form.batchSize.trim() || DEFAULTS.batchSize);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > LIMITS.batchSize) {
    return { ok: false, error: `batch size ${JSON.stringify(form.batchSize)}: expected a whole number of points from 1 to ${LIMITS.batchSize}` };
  }
  const engine = ENGINE_NAMES.find((name) => name === form.engine);
  if (!engine) return { ok: false, error: `engine ${JSON.stringify(form.engine)}: expected ${ENGINE_NAMES.join(" or ")}` };
  const budget = parseBudget(form.budget);
  if (!budget.ok) return budget;
  const seed = Number(form.seed.trim() || "0");
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > MAX_SEED) return { ok: false, error: `seed ${JSON.stringify(form.seed)}: expected a whole number from 0 to ${MAX_SEED}` };
  const deadline = parseDeadline(form.deadline);
  if (typeof deadline === "string") return { ok: false, error: deadline };
  return { ok: true, params, split, halo, batchSize, engine, budget: budget.budget, seed, ...(deadline === undefined ? {} : { deadlineMs: deadline }) };
}

/**
 * Reads an instruction budget as the job spec takes it: a whole number from 1000 to
 * `LIMITS.budget` (`1e9` and `1_000_000` read as numbers), `off`, or blank for the default; else why not.
 */
export function parseBudget(text: string): { ok: true; budget: number | "off" } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, budget: DEFAULTS.budget };
  if (trimmed.toLowerCase() === "off") return { ok: true, budget: "off" };
  const budget = Number(trimmed.replaceAll("_", ""));
  if (Number.isSafeInteger(budget) && budget >= 1000 && budget <= LIMITS.budget) return { ok: true, budget };
  const error = `budget ${JSON.stringify(text)}: expected a whole number of instructions from 1000 to ${budgetText(LIMITS.budget)}, or off`;
  return { ok: false, error };
}

/** A budget as form text: `off`, `1e9` for round large numbers, else the digits. */
export function budgetText(budget: number | "off"): string {
  if (budget === "off" || budget < 1e6) return String(budget);
  const [mantissa, exponent] = budget.toExponential().split("e+");
  return mantissa !== undefined && mantissa.length <= 4 ? `${mantissa}e${exponent}` : String(budget);
}

/** The form text of a submitted job's options, e.g. to show them again or to rerun. */
export function splitText(split: SplitSpec): string {
  if (split.kind === "rows") return `rows=${split.rows}`;
  if (split.kind === "window") return `window=${durationText(split.ms)}`;
  return "none";
}

function parseValue(text: string): ParamValue {
  const trimmed = text.trim();
  if (trimmed !== "" && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return trimmed;
}

function parseDeadline(text: string): number | undefined | string {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const why = `deadline ${JSON.stringify(text)}: expected a duration from ${durationText(MIN_DEADLINE_MS)} to ${durationText(LIMITS.deadlineMs)}, e.g. 2m`;
  let ms;
  try {
    ms = parseDuration(trimmed);
  } catch {
    return why;
  }
  return Number.isSafeInteger(ms) && ms >= MIN_DEADLINE_MS && ms <= LIMITS.deadlineMs ? ms : why;
}

function parseSplit(text: string): SplitSpec | string {
  if (text === "" || text === "none") return { kind: "none" };
  const [kind, value] = text.split("=", 2);
  if (kind === "rows" && value !== undefined) {
    const rows = Number(value);
    return Number.isSafeInteger(rows) && rows >= 1 ? { kind: "rows", rows } : `split rows=${value}: expected a whole number ≥ 1`;
  }
  if (kind === "window" && value !== undefined) {
    try {
      return { kind: "window", ms: parseDuration(value) };
    } catch (error) {
      return `split window: ${(error as Error).message}`;
    }
  }
  return `split ${JSON.stringify(text)}: expected none, rows=N or window=DURATION (e.g. window=365d)`;
}
