-- Bollinger breakout, vectorised: go long when the close breaks above the upper band and stay
-- long until it falls back below the middle band (quant.hold latches between the signals).
--
--   npx shoal run examples/quant-bollinger-breakout.lua --data public/datasets/sp500.csv \
--     --param n=20,50 --param k=1.5,2,2.5 --split rows=1000 --halo 600
--
-- The bands depend only on their window, bit for bit, but the latch remembers the last
-- signal: a slice starts in the state of the unsplit run once its halo contains the last
-- exit before the slice (a close below the middle band, which happens within weeks).

function map(series, p)
  local s = quant.columns(series)
  local middle, upper = quant.bbands(s.close, p.n, p.k)
  local position = quant.hold(quant.above(s.close, upper), quant.below(s.close, middle))
  local r = quant.backtest {
    close = s.close, position = position, time = s.time, first = s.first,
    fee_bps = 1, slippage_bps = 2,
  }
  return { key = series.key, n = p.n, k = p.k, parts = r.parts }
end

function reduce(values)
  local runs, order = {}, {}
  local function add(run)
    local id = run.key .. "|" .. run.n .. "|" .. run.k
    local acc = runs[id]
    if not acc then
      acc = { key = run.key, n = run.n, k = run.k, parts = {} }
      runs[id] = acc
      order[#order + 1] = acc
    end
    acc.parts[#acc.parts + 1] = run.parts
  end
  for _, v in ipairs(values) do
    if v.runs then
      for _, run in ipairs(v.runs) do add(run) end
    else
      add(v)
    end
  end
  table.sort(order, function(a, b)
    if a.key ~= b.key then return a.key < b.key end
    if a.n ~= b.n then return a.n < b.n end
    return a.k < b.k
  end)
  local out = {}
  for _, acc in ipairs(order) do
    local m = quant.combine(acc.parts)
    out[#out + 1] = {
      key = acc.key, n = acc.n, k = acc.k,
      sharpe = m.sharpe, total_return = m.total_return, max_drawdown = m.max_drawdown,
      trades = m.trades, win_rate = m.win_rate, parts = m.parts,
    }
  end
  return { runs = out }
end
