import type { Json, LuaErrorKind } from "@shoal/protocol";

/** One slice of one series as a map call sees it (the same shape as `SeriesSlice` in @shoal/timeseries). */
export interface SeriesInput {
  key: string;
  /** Epoch milliseconds, ascending. */
  time: Float64Array;
  /** Lowercased column name → values, each as long as `time`. */
  columns: Readonly<Record<string, Float64Array>>;
  /** 1-based index of the first row the slice owns; rows before it are halo. */
  first: number;
}

/** What `LuaEngine.load` compiles, with the limits every call of the job runs under. */
export interface JobOptions {
  source: string;
  /** Name used in messages and tracebacks; default "job.lua". */
  chunkName?: string;
  /** Instructions per map/reduce call; default 1e9. Infinity: no budget (wasmoon then runs without its countdown checks, about 5–15 % faster on plain Lua; the task deadline still applies). */
  budget?: number;
  /** Largest JSON size in bytes of one call's value; default 1 MiB. */
  maxResultBytes?: number;
  /** Bytes of `print` output kept per call; default 64 KiB. */
  maxLogBytes?: number;
  /** Largest single Lua string in bytes; default 64 MiB. */
  maxStringBytes?: number;
  /** Largest estimated live Lua heap of one call in bytes; default 1 GiB. */
  maxMemoryBytes?: number;
}

/** The outcome of one successful map or reduce call. */
export interface CallResult {
  value: Json;
  /** Lines printed during the call, capped at `maxLogBytes`. */
  log: string[];
  /** Instructions used, counted at hook granularity plus charges for bulk work in library functions. */
  instructions: number;
}

/** A compiled job; every call runs in a fresh environment, so results never depend on earlier calls. */
export interface LuaJob {
  readonly hasReduce: boolean;
  map(series: SeriesInput, p: Readonly<Record<string, Json>>, seed: number): CallResult;
  reduce(values: readonly Json[], seed: number): CallResult;
  dispose(): void;
}

export type SyntaxCheck = { ok: true } | { ok: false; error: LuaError };

/** A sandboxed Lua implementation; jobs name one so all their replicas agree on number semantics. */
export interface LuaEngine {
  readonly name: string;
  check(source: string, chunkName?: string): SyntaxCheck;
  load(opts: JobOptions): LuaJob;
}

/** A failed compile or call; `message` is exactly Lua's, e.g. "job.lua:12: attempt to call a nil value (global 'foo')". */
export class LuaError extends Error {
  override readonly name = "LuaError";
  kind: LuaErrorKind;
  line?: number;
  traceback?: string;
  /** Lines printed by the failed call before it failed. */
  log?: string[];

  constructor(kind: LuaErrorKind, message: string, details: { line?: number; traceback?: string; log?: string[] } = {}) {
    super(message);
    this.kind = kind;
    if (details.line !== undefined) this.line = details.line;
    if (details.traceback !== undefined) this.traceback = details.traceback;
    if (details.log !== undefined) this.log = details.log;
  }
}

/** Limits a job gets when its options say nothing. */
export const JOB_DEFAULTS = {
  chunkName: "job.lua",
  budget: 1e9,
  maxResultBytes: 1024 * 1024,
  maxLogBytes: 64 * 1024,
  maxStringBytes: 64 * 1024 * 1024,
  maxMemoryBytes: 1024 * 1024 * 1024,
} as const;
