import type { BacktestParts } from "./BacktestParts.ts";
import { chainParts, mergeAdjacent } from "./BacktestParts.ts";
import { Backtester } from "./Backtester.ts";
import type { Metrics } from "./metrics.ts";
import { metricsOf } from "./metrics.ts";

export interface BacktestOptions {
  close: Float64Array;
  /** Target exposure per bar (usually −1…1; NaN = flat), decided and traded at that bar's close. */
  position: Float64Array;
  feeBps?: number;
  slippageBps?: number;
  /** 1-based index of the first owned bar (series.first); earlier bars are halo. */
  first?: number;
  /** 1-based index of the last owned bar (default: the last bar); later bars are ignored. */
  last?: number;
  /** Bar times in epoch ms, for CAGR and the periods per year. */
  time?: Float64Array;
  periodsPerYear?: number;
  /** Return about this many points of the equity curve. */
  curve?: number;
}

/** Metrics plus the parts (stretches of consecutive bars) that combine exactly with other slices' parts. */
export type BacktestResult = Metrics & { parts: BacktestParts[] };

/** A vectorised backtest of target positions over closes (definitions in Backtester and docs/quant.md). */
export function backtest(opts: BacktestOptions): BacktestResult {
  const { close, position, time } = opts;
  const n = close.length;
  if (position.length !== n) throw new RangeError(`position has ${position.length} bars, close has ${n}`);
  if (time !== undefined && time.length !== n) throw new RangeError(`time has ${time.length} bars, close has ${n}`);
  const first = opts.first ?? 1;
  const last = opts.last ?? n;
  if (!Number.isInteger(first) || first < 1) throw new RangeError("first must be a positive integer");
  if (!Number.isInteger(last) || last > n) throw new RangeError(`last must be an integer ≤ ${n}`);
  const bt = new Backtester({
    costBps: (opts.feeBps ?? 0) + (opts.slippageBps ?? 0),
    periodsPerYear: opts.periodsPerYear ?? null,
    curve: opts.curve === undefined ? undefined : { points: opts.curve, ownedBars: Math.max(0, last - first + 1) },
  });
  bt.feed(close, time ?? null, position, 0, last, first - 1);
  return resultOf([bt.parts()]);
}

/**
 * Combines slices' parts (backtest results, parts, or lists of them; any order) into the
 * result of their union: neighbours merge, and the metrics chain the stretches in time
 * order, which is exact once every slice of the series is there.
 */
export function combine(items: ReadonlyArray<BacktestParts | BacktestParts[] | { parts: BacktestParts[] }>): BacktestResult {
  return resultOf(items.flatMap((x) => (Array.isArray(x) ? x : "parts" in x ? x.parts : [x])));
}

/** The metrics of stretches, with the merged stretches attached. */
export function resultOf(parts: readonly BacktestParts[]): BacktestResult {
  const merged = mergeAdjacent(parts);
  return { ...metricsOf(chainParts(merged)), parts: merged };
}
