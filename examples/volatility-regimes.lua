-- Volatility regimes: for each slice of each series, the share of days whose annualised
-- 20-day volatility of log returns is above a threshold. No reduce: the result is the
-- list of map outputs, one per (series, slice, threshold).
--
--   npx shoal run examples/volatility-regimes.lua --data public/datasets/sp500.csv \
--     --param threshold=0.15,0.25,0.4 --split window=365d --halo 21

local WINDOW = 20

function map(series, p)
  local vol = ts.rolling_std(ts.log_returns(series.close), WINDOW)
  local above, counted = 0, 0
  for t = series.first, #vol do
    local v = vol[t]
    if v == v then -- skip NaN: the first WINDOW rows of the series have no full window
      counted = counted + 1
      if v * math.sqrt(252) > p.threshold then above = above + 1 end
    end
  end
  return {
    key = series.key,
    from = series.time[series.first],
    to = series.time[#series.time],
    threshold = p.threshold,
    days = counted,
    share_above = counted > 0 and above / counted or 0,
  }
end
