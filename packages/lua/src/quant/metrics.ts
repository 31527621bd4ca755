import type { BacktestParts } from "./BacktestParts.ts";

/** Milliseconds in a mean Gregorian year (365.25 days). */
export const MS_PER_YEAR = 365.25 * 86_400_000;
/** Periods per year assumed when neither `time` nor `periods_per_year` says (trading days). */
export const DEFAULT_PERIODS_PER_YEAR = 252;

/** Summary figures of a backtest; ratios whose denominator is zero are 0 (JSON has no NaN). */
export interface Metrics {
  total_return: number;
  cagr: number;
  volatility: number;
  sharpe: number;
  sortino: number;
  max_drawdown: number;
  trades: number;
  win_rate: number;
  exposure: number;
  turnover: number;
  bars: number;
  years: number;
  periods_per_year: number;
  equity?: { time: number[]; equity: number[] };
}

/**
 * Metrics from (combined) parts. Periods per year are the owned bars per year of elapsed
 * time (mean spacing, so weekends count: daily equity bars give ≈ 252) unless given.
 */
export function metricsOf(p: BacktestParts): Metrics {
  const n = p.bars;
  const ppy = p.periods_per_year ?? (p.span_ms > 0 ? (p.intervals * MS_PER_YEAR) / p.span_ms : DEFAULT_PERIODS_PER_YEAR);
  const years = p.span_ms > 0 ? p.span_ms / MS_PER_YEAR : n / ppy;
  const mean = n > 0 ? p.sum / n : 0;
  const variance = n > 1 ? Math.max(0, (p.sum_sq - p.sum * mean) / (n - 1)) : 0;
  const sd = Math.sqrt(variance);
  const downside = n > 0 ? Math.sqrt(p.down_sq / n) : 0;
  const annual = Math.sqrt(ppy);
  const trades = p.trades + (p.tail_open ? 1 : 0);
  const wins = p.wins + (p.tail_open && p.tail > 1 ? 1 : 0);
  const m: Metrics = {
    total_return: p.growth - 1,
    cagr: years > 0 ? (p.growth > 0 ? p.growth ** (1 / years) - 1 : -1) : 0,
    volatility: sd * annual,
    sharpe: sd > 0 ? (mean / sd) * annual : 0,
    sortino: downside > 0 ? (mean / downside) * annual : 0,
    max_drawdown: p.max_drawdown,
    trades,
    win_rate: trades > 0 ? wins / trades : 0,
    exposure: n > 0 ? p.exposure / n : 0,
    turnover: p.turnover,
    bars: n,
    years,
    periods_per_year: ppy,
  };
  if (p.curve !== null) m.equity = { time: p.curve.time, equity: p.curve.equity };
  return m;
}
