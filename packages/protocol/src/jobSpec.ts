import { z } from "zod";
import { hasLoneSurrogate, LONE_SURROGATE_PROBLEM } from "./decodeScript.ts";
import { DEFAULTS, LIMITS } from "./limits.ts";

const utf8 = new TextEncoder();

/** The Lua engines a job can name; all its tasks and replicas run on that one (integer width and number formatting differ). */
export const ENGINE_NAMES = ["fengari", "wasmoon", "compiled"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

const paramValue = z.union([z.number().finite(), z.string().max(256), z.boolean()]);
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const splitSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("none") }),
  z.strictObject({ kind: z.literal("rows"), rows: z.number().int().min(1).max(1e9) }),
  z.strictObject({ kind: z.literal("window"), ms: z.number().positive().max(1e13) }),
]);

/** Runtime schema of a job: the Lua script, how to split the data, and the parameter grid. */
export const jobSpecSchema = z.strictObject({
  script: z
    .string()
    .refine((s) => utf8.encode(s).byteLength <= LIMITS.scriptBytes, `script is larger than ${LIMITS.scriptBytes} bytes`)
    .refine((s) => !hasLoneSurrogate(s), LONE_SURROGATE_PROBLEM),
  engine: z.enum(ENGINE_NAMES).default("fengari"),
  params: z
    .record(z.string(), z.array(paramValue).min(1).max(LIMITS.paramValues))
    .default({})
    .refine((grid) => Object.keys(grid).every((name) => PARAM_NAME.test(name)), "parameter names must be Lua identifiers")
    .refine((grid) => gridSize(grid) <= LIMITS.paramPoints, `parameter grid has more than ${LIMITS.paramPoints} points`),
  split: splitSchema.default({ kind: "none" }),
  halo: z.number().int().min(0).max(LIMITS.halo).default(DEFAULTS.halo),
  batchSize: z.number().int().min(1).max(LIMITS.batchSize).default(DEFAULTS.batchSize),
  /** Instructions per map/reduce call, or "off": no budget guard (wasmoon runs about 5–15 % faster), only the task deadline stops runaway code. */
  budget: z.union([z.number().int().min(1000).max(LIMITS.budget), z.literal("off")]).default(DEFAULTS.budget),
  /** Wall-clock limit per task in ms; every executor applies the smaller of this and its own. */
  deadlineMs: z.number().int().min(100).max(LIMITS.deadlineMs).optional(),
  resultBytes: z.number().int().min(1024).max(LIMITS.resultBytes).default(DEFAULTS.resultBytes),
  reduceFanIn: z.number().int().min(2).max(LIMITS.reduceFanIn).default(DEFAULTS.reduceFanIn),
  seed: z.number().int().min(0).max(0xffffffff).default(0),
});

export type JobSpec = z.output<typeof jobSpecSchema>;
export type JobSpecInput = z.input<typeof jobSpecSchema>;
export type SplitSpec = JobSpec["split"];
export type ParamValue = z.infer<typeof paramValue>;
export type ParamGrid = Record<string, ParamValue[]>;
export type ParamPoint = Record<string, ParamValue>;

/** Thrown when a job spec breaks the schema or a limit; the message names every offending field. */
export class JobSpecError extends Error {
  override readonly name = "JobSpecError";
}

/** Validates untrusted input into a job spec with defaults filled in. */
export function parseJobSpec(input: unknown): JobSpec {
  const parsed = jobSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const reasons = parsed.error.issues.map((issue) => `${issue.path.join(".") || "spec"}: ${issue.message}`);
  throw new JobSpecError(`invalid job spec: ${reasons.join("; ")}`);
}

/** Number of points the grid expands to (1 for an empty grid). */
export function gridSize(grid: ParamGrid): number {
  return Object.values(grid).reduce((n, values) => n * values.length, 1);
}

/**
 * Expands a grid into its points in grid order: the first parameter varies slowest,
 * the last fastest, as nested loops written in the grid's key order would.
 */
export function expandGrid(grid: ParamGrid): ParamPoint[] {
  const names = Object.keys(grid);
  let points: ParamPoint[] = [{}];
  for (const name of names) {
    const values = grid[name] ?? [];
    points = points.flatMap((point) => values.map((value) => ({ ...point, [name]: value })));
  }
  return points;
}
