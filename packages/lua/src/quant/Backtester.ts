import type { BacktestParts } from "./BacktestParts.ts";

export interface BacktesterOptions {
  /** Cost of trading one unit of exposure, in basis points (fee + slippage). */
  costBps?: number;
  /** Overrides the periods per year inferred from bar times. */
  periodsPerYear?: number | null;
  /** Sample the equity curve at about this many points over `ownedBars`. */
  curve?: { points: number; ownedBars: number };
}

/**
 * The bar-by-bar accounting shared by the vectorised backtest and the event-driven run.
 * The position set at bar t (decided on t's close, traded at that close, NaN = flat) earns
 * t → t+1: bar t's net return is R_t = (1 + p[t−1]·(c[t]/c[t−1] − 1))·(1 − |p[t] − p[t−1]|·cost) − 1,
 * with p = 0 before the first bar. Only owned bars are accounted; halo bars just set the
 * previous close and position, so a slice starts from the position its halo implies.
 */
export class Backtester {
  readonly #cost: number;
  readonly #periodsPerYear: number | null;
  readonly #curve: Curve | null = null;
  readonly #s = initialState();

  constructor(opts: BacktesterOptions = {}) {
    const bps = opts.costBps ?? 0;
    if (!(bps >= 0) || !Number.isFinite(bps)) throw new RangeError("fees and slippage must be finite and ≥ 0 bps");
    const ppy = opts.periodsPerYear ?? null;
    if (ppy !== null && !(ppy > 0 && Number.isFinite(ppy))) throw new RangeError("periods_per_year must be a positive number");
    this.#cost = bps / 10_000;
    this.#periodsPerYear = ppy;
    if (opts.curve) {
      const { points, ownedBars } = opts.curve;
      if (!(Number.isInteger(points) && points >= 1)) throw new RangeError("curve points must be a positive integer");
      this.#curve = { points, stride: Math.max(1, Math.ceil(ownedBars / points)), time: [], equity: [] };
    }
  }

  /** Equity marked at `close` with the position still held (before this bar's trade); 1 before the owned bars. */
  markToMarket(close: number, owned: boolean): number {
    const s = this.#s;
    const e = s.growth;
    if (!owned || !s.seen || Number.isNaN(close)) return e;
    return e * (1 + s.prevPos * (close / s.prevClose - 1));
  }

  /** Accounts one bar: its close and time (NaN if none) and the position targeted at its close. */
  bar(close: number, time: number, position: number, owned: boolean): void {
    one.close[0] = close;
    one.time[0] = time;
    one.position[0] = position;
    this.feed(one.close, one.time, one.position, 0, 1, owned ? 0 : 1);
  }

  /**
   * Accounts bars [from, to) of the arrays (time may be null); bars before `ownedFrom` are
   * halo. Runs in blocks so the hot loop is compiled as an ordinary function rather than
   * by on-stack replacement (which V8 kept discarding at the loop's exit).
   */
  feed(close: Float64Array, time: Float64Array | null, position: Float64Array, from: number, to: number, ownedFrom: number): void {
    for (let b = from; b < to; b += BLOCK) {
      accountBlock(this.#s, this.#cost, this.#curve, close, time, position, b, Math.min(to, b + BLOCK), ownedFrom);
    }
  }

  /** The parts of the owned bars so far. */
  parts(): BacktestParts {
    const s = this.#s;
    const events = s.events;
    const tailOpen = events && s.prevPos !== 0;
    const curve = this.#curve;
    let out: BacktestParts["curve"] = null;
    if (curve) {
      out = { points: curve.points, time: [...curve.time], equity: [...curve.equity] };
      if (s.bars % curve.stride !== 0) {
        out.time.push(s.lastTime);
        out.equity.push(s.growth);
      }
    }
    return {
      bars: s.bars,
      start_time: s.bars > 0 && s.startTime === s.startTime ? s.startTime : null,
      prev_time: s.bars > 0 && s.firstPrevTime === s.firstPrevTime ? s.firstPrevTime : null,
      end_time: s.bars > 0 && s.lastTime === s.lastTime && s.startTime === s.startTime ? s.lastTime : null,
      intervals: s.intervals,
      span_ms: s.span,
      periods_per_year: this.#periodsPerYear,
      sum: s.sum + s.sumC,
      sum_sq: s.sq + s.sqC,
      down_sq: s.down + s.downC,
      growth: s.growth,
      peak: s.peak,
      trough: s.trough,
      max_drawdown: s.maxDrawdown,
      turnover: s.turnover,
      exposure: s.exposure,
      trades: s.closed,
      wins: s.wins,
      through: !events,
      head: events ? s.head : s.trade,
      tail_open: tailOpen,
      tail: tailOpen ? s.trade : 1,
      curve: out,
    };
  }
}

const BLOCK = 4096;

type State = ReturnType<typeof initialState>;
type Curve = { points: number; stride: number; time: number[]; equity: number[] };

/** The accounting loop over bars [from, to), on locals loaded from and stored back to `s`. */
function accountBlock(
  s: State,
  cost: number,
  curve: Curve | null,
  close: Float64Array,
  time: Float64Array | null,
  position: Float64Array,
  from: number,
  to: number,
  ownedFrom: number,
): void {
  let seen = s.seen;
  let prevClose = s.prevClose;
  let prevTime = s.prevTime;
  let held = s.prevPos;
  let lastTime = s.lastTime;
  let bars = s.bars;
  let startTime = s.startTime;
  let firstPrevTime = s.firstPrevTime;
  let intervals = s.intervals;
  let span = s.span;
  let turnover = s.turnover;
  let exposure = s.exposure;
  let sum = s.sum;
  let sumC = s.sumC;
  let sq = s.sq;
  let sqC = s.sqC;
  let down = s.down;
  let downC = s.downC;
  let growth = s.growth;
  let peak = s.peak;
  let trough = s.trough;
  let maxDrawdown = s.maxDrawdown;
  let trade = s.trade;
  let events = s.events;
  let head = s.head;
  let closed = s.closed;
  let wins = s.wins;
  for (let t = from; t < to; t++) {
    const c = close[t] as number;
    const tm = time === null ? NaN : (time[t] as number);
    let pos = position[t] as number;
    if (pos !== pos) pos = 0; // NaN: flat
    const priced = c === c;
    if (t >= ownedFrom) {
      // R = (1 + held·r)·(1 − |Δposition|·cost) − 1
      const gross = priced && seen ? 1 + held * (c / prevClose - 1) : 1;
      const delta = Math.abs(pos - held);
      const ret = gross * (1 - delta * cost) - 1;
      if (++bars === 1) {
        startTime = tm;
        firstPrevTime = prevTime;
      }
      if (tm === tm && prevTime === prevTime) {
        intervals++;
        span += tm - prevTime;
      }
      lastTime = tm === tm ? tm : bars;
      turnover += delta;
      exposure += Math.abs(held);
      // Neumaier-compensated sums of R, R² and the downside R².
      let x = sum + ret;
      sumC += Math.abs(sum) >= Math.abs(ret) ? sum - x + ret : ret - x + sum;
      sum = x;
      const r2 = ret * ret;
      x = sq + r2;
      sqC += sq >= r2 ? sq - x + r2 : r2 - x + sq;
      sq = x;
      if (ret < 0) {
        x = down + r2;
        downC += down >= r2 ? down - x + r2 : r2 - x + down;
        down = x;
      }
      growth *= 1 + ret;
      if (growth > peak) peak = growth;
      else if (growth < trough) trough = growth;
      const dd = 1 - growth / peak;
      if (dd > maxDrawdown) maxDrawdown = dd;
      // Trades: the open one earns `gross`; a sign change closes it (exit cost) and opens the next (entry cost).
      if (held !== 0) trade *= gross;
      if (pos > 0 === held > 0 && pos < 0 === held < 0) {
        if (delta !== 0) trade *= 1 - delta * cost;
      } else {
        if (held !== 0) trade *= 1 - Math.abs(held) * cost;
        if (!events) {
          events = true;
          head = trade; // the trade carried in (1 when flat) ends here
        } else if (held !== 0) {
          closed++;
          if (trade > 1) wins++;
        }
        trade = pos !== 0 ? 1 - Math.abs(pos) * cost : 1;
      }
      if (curve !== null && bars % curve.stride === 0) {
        curve.time.push(lastTime);
        curve.equity.push(growth);
      }
    }
    if (priced) {
      prevClose = c;
      seen = true;
    }
    if (tm === tm) prevTime = tm;
    held = pos;
  }
  s.seen = seen;
  s.prevClose = prevClose;
  s.prevTime = prevTime;
  s.prevPos = held;
  s.lastTime = lastTime;
  s.bars = bars;
  s.startTime = startTime;
  s.firstPrevTime = firstPrevTime;
  s.intervals = intervals;
  s.span = span;
  s.turnover = turnover;
  s.exposure = exposure;
  s.sum = sum;
  s.sumC = sumC;
  s.sq = sq;
  s.sqC = sqC;
  s.down = down;
  s.downC = downC;
  s.growth = growth;
  s.peak = peak;
  s.trough = trough;
  s.maxDrawdown = maxDrawdown;
  s.trade = trade;
  s.events = events;
  s.head = head;
  s.closed = closed;
  s.wins = wins;
}

/** The accounting state between feeds: a plain object, so the hot loop loads and stores it cheaply. */
function initialState() {
  return {
    // The previous bar.
    seen: false,
    prevClose: NaN,
    prevTime: NaN,
    prevPos: 0,
    lastTime: NaN,
    // Sums over owned bars (with Neumaier compensations) and the equity path.
    bars: 0,
    startTime: NaN,
    firstPrevTime: NaN,
    intervals: 0,
    span: 0,
    sum: 0,
    sumC: 0,
    sq: 0,
    sqC: 0,
    down: 0,
    downC: 0,
    growth: 1,
    peak: 1,
    trough: 1,
    maxDrawdown: 0,
    turnover: 0,
    exposure: 0,
    // Trades: the open one's growth so far, whether any opened or closed yet, and counts.
    trade: 1,
    events: false,
    head: 1,
    closed: 0,
    wins: 0,
  };
}

const one = { close: new Float64Array(1), time: new Float64Array(1), position: new Float64Array(1) };
