/**
 * What one stretch of consecutive owned bars contributes to a backtest, as plain JSON.
 * Parts of a stretch and of the stretch right after it combine with `combineParts` into
 * exactly the parts of their union, so slices of a series split by time give the unsplit
 * figures (up to the rounding of sums and products). Equity is relative to the stretch's
 * start; trade fields form a small monoid so a trade that spans slices is counted once.
 */
export interface BacktestParts {
  /** Owned bars. */
  bars: number;
  /** Time of the first and last owned bar, and of the bar before the first (null without times or such a bar). */
  start_time: number | null;
  end_time: number | null;
  prev_time: number | null;
  /** Owned bars that have a previous bar with a time, and the sum of their spacings in ms. */
  intervals: number;
  span_ms: number;
  /** Periods per year given explicitly (null: inferred from the spacing of `time`). */
  periods_per_year: number | null;
  /** Σ R, Σ R², Σ min(R, 0)² over per-bar net returns R. */
  sum: number;
  sum_sq: number;
  down_sq: number;
  /** Final equity, its running peak (≥ 1, the start counts), its lowest value (≤ 1), the largest drawdown. */
  growth: number;
  peak: number;
  trough: number;
  max_drawdown: number;
  /** Σ |Δposition| and Σ |position held| over owned bars. */
  turnover: number;
  exposure: number;
  /** Round trips opened and closed inside the stretch, and how many of them grew. */
  trades: number;
  wins: number;
  /** True when no position opened or closed inside: the stretch lies within one trade (or flat). */
  through: boolean;
  /** Growth of the trade open at the start, up to its close (or the end when `through`). */
  head: number;
  /** Whether a trade opened inside is still open at the end, and its growth so far. */
  tail_open: boolean;
  tail: number;
  /** Sampled equity (relative to the start) with its times, at most `points` of them. */
  curve: { points: number; time: number[]; equity: number[] } | null;
}

/** Parts of an empty stretch: the identity of combineParts. */
export function emptyParts(): BacktestParts {
  return {
    bars: 0,
    start_time: null,
    end_time: null,
    prev_time: null,
    intervals: 0,
    span_ms: 0,
    periods_per_year: null,
    sum: 0,
    sum_sq: 0,
    down_sq: 0,
    growth: 1,
    peak: 1,
    trough: 1,
    max_drawdown: 0,
    turnover: 0,
    exposure: 0,
    trades: 0,
    wins: 0,
    through: true,
    head: 1,
    tail_open: false,
    tail: 1,
    curve: null,
  };
}

/** Parts of stretch `a` followed directly by stretch `b`. */
export function combineParts(a: BacktestParts, b: BacktestParts): BacktestParts {
  if (b.bars === 0) return a;
  if (a.bars === 0) return b;
  const g = a.growth;
  const out: BacktestParts = {
    bars: a.bars + b.bars,
    start_time: a.start_time,
    end_time: b.end_time,
    prev_time: a.prev_time,
    intervals: a.intervals + b.intervals,
    span_ms: a.span_ms + b.span_ms,
    periods_per_year: a.periods_per_year ?? b.periods_per_year,
    sum: a.sum + b.sum,
    sum_sq: a.sum_sq + b.sum_sq,
    down_sq: a.down_sq + b.down_sq,
    growth: g * b.growth,
    peak: Math.max(a.peak, g * b.peak),
    trough: Math.min(a.trough, g * b.trough),
    // A drawdown inside b is measured from b's own running peak or from a's peak, whichever is higher.
    max_drawdown: Math.max(a.max_drawdown, b.max_drawdown, 1 - (g * b.trough) / a.peak),
    turnover: a.turnover + b.turnover,
    exposure: a.exposure + b.exposure,
    trades: a.trades + b.trades,
    wins: a.wins + b.wins,
    through: a.through && b.through,
    head: a.head,
    tail_open: b.tail_open,
    tail: b.tail,
    curve: joinCurves(a.curve, b.curve, g),
  };
  if (a.through) {
    out.head = a.head * b.head;
  } else if (a.tail_open) {
    const carried = a.tail * b.head;
    if (b.through) {
      out.tail_open = true;
      out.tail = carried;
    } else {
      out.trades++;
      if (carried > 1) out.wins++;
    }
  }
  return out;
}

/**
 * Sorts stretches by start time (keeping the given order when some have no times) and
 * merges each into the one before when it follows it directly (its bar before the first
 * is the other's last bar). A reduce tree may bring slices together in any grouping, so
 * only neighbours merge; the rest stay separate stretches until their neighbours arrive.
 */
export function mergeAdjacent(list: readonly BacktestParts[]): BacktestParts[] {
  const nonEmpty = list.filter((p) => p.bars > 0);
  const timed = nonEmpty.every((p) => p.start_time !== null);
  const sorted = timed ? [...nonEmpty].sort((x, y) => (x.start_time as number) - (y.start_time as number)) : nonEmpty;
  const out: BacktestParts[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && p.prev_time !== null && p.prev_time === last.end_time) out[out.length - 1] = combineParts(last, p);
    else out.push(p);
  }
  return out;
}

/** The parts of stretches taken as consecutive, in the order given. */
export function chainParts(list: readonly BacktestParts[]): BacktestParts {
  return list.reduce(combineParts, emptyParts());
}

function joinCurves(a: BacktestParts["curve"], b: BacktestParts["curve"], scale: number): BacktestParts["curve"] {
  if (a === null || b === null) return a ?? (b && { ...b, equity: b.equity.map((e) => e * scale) });
  const points = Math.max(a.points, b.points);
  const time = [...a.time, ...b.time];
  const equity = [...a.equity, ...b.equity.map((e) => e * scale)];
  if (time.length <= points) return { points, time, equity };
  // Keep evenly spaced points, always including the last one.
  const step = time.length / points;
  const keep = Array.from({ length: points }, (_, k) => Math.min(time.length - 1, Math.ceil((k + 1) * step) - 1));
  return { points, time: keep.map((i) => time[i] as number), equity: keep.map((i) => equity[i] as number) };
}

const NUMBER_FIELDS = [
  "bars", "intervals", "span_ms", "sum", "sum_sq", "down_sq", "growth", "peak", "trough", "max_drawdown",
  "turnover", "exposure", "trades", "wins", "head", "tail",
] as const;

/**
 * Checks untrusted JSON that went through Lua — a backtest result, its parts, one stretch's
 * parts, or a list of these — and returns the stretches; throws a RangeError naming the problem.
 */
export function parsePartsList(value: unknown): BacktestParts[] {
  if (Array.isArray(value)) return value.flatMap(parsePartsList);
  if (typeof value === "object" && value !== null && "parts" in value) return parsePartsList(value.parts);
  return [parseParts(value)];
}

function parseParts(value: unknown): BacktestParts {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new RangeError("parts must be a table");
  const v = value as Record<string, unknown>;
  const parts = emptyParts();
  for (const key of NUMBER_FIELDS) {
    const x = v[key];
    if (typeof x !== "number") throw new RangeError(`parts.${key} must be a number`);
    parts[key] = x;
  }
  for (const key of ["through", "tail_open"] as const) {
    if (typeof v[key] !== "boolean") throw new RangeError(`parts.${key} must be a boolean`);
    parts[key] = v[key];
  }
  for (const key of ["start_time", "end_time", "prev_time", "periods_per_year"] as const) {
    const x = v[key] ?? null;
    if (x !== null && typeof x !== "number") throw new RangeError(`parts.${key} must be a number or nil`);
    parts[key] = x;
  }
  parts.curve = parseCurve(v["curve"] ?? null);
  return parts;
}

function parseCurve(c: unknown): BacktestParts["curve"] {
  if (c === null) return null;
  const { points, time, equity } = (typeof c === "object" ? c : {}) as Record<string, unknown>;
  const numbers = (a: unknown): a is number[] => Array.isArray(a) && a.every((x) => typeof x === "number");
  if (typeof points !== "number" || !numbers(time) || !numbers(equity) || time.length !== equity.length) {
    throw new RangeError("parts.curve must hold points and equal-length time and equity arrays");
  }
  return { points, time, equity };
}
