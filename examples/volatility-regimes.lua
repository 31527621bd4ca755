-- Volatility regimes: for each slice of each series, the share of days whose annualised
-- 20-day volatility of log returns is above a threshold. No reduce: the result is the
-- list of map outputs, one per (series, slice, threshold).
--
--   npx shoal run examples/volatility-regimes.lua --data public/datasets/sp500.csv \
--     --param threshold=0.15,0.25,0.4 --split window=365d --halo 21

local WINDOW = 20

function map(series, p)
  -- the rows this slice owns (those before series.first are its halo)
  local vol = ts.slice(ts.rolling_std(ts.log_returns(series.close), WINDOW), series.first)
  -- NaN (the first WINDOW rows of the series have no full window) compares false: neither counted nor above
  local counted = ts.sum(ts.ge(vol, 0))
  local above = ts.sum(ts.gt(ts.mul(vol, math.sqrt(252)), p.threshold))
  return {
    key = series.key,
    from = series.time[series.first],
    to = series.time[#series.time],
    threshold = p.threshold,
    days = counted,
    share_above = counted > 0 and above / counted or 0,
  }
end
