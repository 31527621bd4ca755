import type { LiveVersion } from "@shoal/client";
import type { Json } from "@shoal/protocol";
import type { LineSeries } from "../results/lineSeries.ts";
import { PREFERRED_METRICS } from "../results/preferredMetrics.ts";
import { resultSummary } from "../results/resultSummary.ts";

/** Most points of an equity curve the live page draws; a result with more draws none (the sweep sends at most 129). */
export const MAX_CURVE_POINTS = 5_000;

/** Versions a live job page keeps in its table and chart; older ones drop off the front. */
export const MAX_LIVE_ROWS = 500;

/** One finished version of a live chain, as its table row: no result, only what the row shows. */
export interface LiveRow {
  version: number;
  jobId: string;
  status: LiveVersion["status"];
  reused: number;
  total: number;
  /** The result's `best` in words (a sweep's best parameters), if it has one. */
  best: string | undefined;
  /** The first preferred metric of the result's `best`, e.g. its sharpe, for the chart over versions. */
  metric: { name: string; value: number } | undefined;
}

/**
 * Adds a version event to the rows, ascending by version: an event for a version already held
 * (the stream re-sends the last one on reconnecting) replaces its row; past `max` rows the oldest go.
 */
export function addVersion(rows: readonly LiveRow[], event: LiveVersion, max = MAX_LIVE_ROWS): LiveRow[] {
  const row: LiveRow = { version: event.version, jobId: event.jobId, status: event.status, reused: event.reused, total: event.total, best: undefined, metric: undefined };
  if (event.result !== undefined) {
    row.best = resultSummary(withoutCurve(event.result)).find(([name]) => name === "best")?.[1];
    row.metric = bestMetric(event.result);
  }
  const kept = rows.filter((held) => held.version !== event.version);
  kept.push(row);
  kept.sort((a, b) => a.version - b.version);
  return kept.slice(-max);
}

/** The best run's metric by version, one line; undefined until two versions have one (a line needs two points). */
export function metricByVersion(rows: readonly LiveRow[]): LineSeries | undefined {
  const name = [...rows].reverse().find((row) => row.metric)?.metric?.name;
  const points = rows.filter((row) => row.metric?.name === name);
  if (!name || points.length < 2) return undefined;
  return { xs: points.map((row) => row.version), lines: [{ label: `best ${name}`, values: points.map((row) => row.metric!.value) }] };
}

function bestMetric(result: Json): LiveRow["metric"] {
  if (typeof result !== "object" || result === null || Array.isArray(result)) return undefined;
  const best = result.best;
  if (typeof best !== "object" || best === null || Array.isArray(best)) return undefined;
  for (const name of PREFERRED_METRICS) {
    const value = best[name];
    if (typeof value === "number" && Number.isFinite(value)) return { name, value };
  }
  return undefined;
}

/**
 * The best run's equity curve of a result (`best.equity = {time, equity}`, as the SMA sweep
 * sends it) as one line over time; undefined unless both are arrays of finite numbers of one
 * length, from 2 to {@link MAX_CURVE_POINTS} points, times ascending.
 */
export function equityCurve(result: Json | undefined): LineSeries | undefined {
  if (typeof result !== "object" || result === null || Array.isArray(result)) return undefined;
  const best = result.best;
  if (typeof best !== "object" || best === null || Array.isArray(best)) return undefined;
  const curve = best.equity;
  if (typeof curve !== "object" || curve === null || Array.isArray(curve)) return undefined;
  const { time, equity } = curve;
  const finite = (list: Json | undefined): list is number[] => Array.isArray(list) && list.every((x) => typeof x === "number" && Number.isFinite(x));
  if (!finite(time) || !finite(equity) || time.length !== equity.length || time.length < 2 || time.length > MAX_CURVE_POINTS) return undefined;
  if (time.some((t, i) => i > 0 && t <= time[i - 1]!)) return undefined;
  return { xs: time, lines: [{ label: "equity", values: equity }] };
}

/** The result without its best run's equity curve, which the row's words leave to the chart. */
function withoutCurve(result: Json): Json {
  if (typeof result !== "object" || result === null || Array.isArray(result)) return result;
  const best = result.best;
  if (typeof best !== "object" || best === null || Array.isArray(best) || !("equity" in best)) return result;
  const rest = { ...best };
  delete rest.equity;
  return { ...result, best: rest };
}
