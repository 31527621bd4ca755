import type { Json } from "@shoal/protocol";
import { expect } from "vitest";
import type { CallResult, JobOptions, LuaEngine, LuaError, SeriesInput } from "../LuaEngine.ts";

/** A small series: 5 rows, columns close and volume, halo of one row. */
export const SERIES: SeriesInput = {
  key: "AAPL",
  time: Float64Array.from([0, 1, 2, 3, 4], (i) => 1.6e12 + i * 86_400_000),
  columns: { close: Float64Array.of(10, 11, 10.5, 12, 12.5), volume: Float64Array.of(100, 200, 150, 300, 250) },
  first: 2,
};

/** Loads `source` and runs one map call on SERIES. */
export function runMap(engine: LuaEngine, source: string, p: Record<string, Json> = {}, opts: Partial<JobOptions> = {}, seed = 1): CallResult {
  return engine.load({ source, ...opts }).map(SERIES, p, seed);
}

/** Wraps `body` as the body of map(series, p) starting on line 2. */
export function mapBody(body: string): string {
  return `function map(series, p)\n${body}\nend`;
}

/** The LuaError thrown by `fn` (fails the test if nothing or something else is thrown). */
export function luaErrorOf(fn: () => unknown): LuaError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).name).toBe("LuaError");
    return e as LuaError;
  }
  throw new Error("expected a LuaError, but the call succeeded");
}
