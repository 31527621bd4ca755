-- RSI mean reversion, event-driven with quant.run: buy when RSI falls below `low`, sell when
-- it rises above `high`. The strategy keeps state (in or out), which quant.run makes easy.
--
--   npx shoal run examples/quant-rsi-reversion.lua --data public/datasets/sp500.csv \
--     --param n=7,14 --param low=20,30 --param high=50,70 --split rows=1000 --halo 500
--
-- quant.run calls on_bar for halo bars too (bar.owned is false there), so a slice starts in
-- the state its halo implies. Two things need the halo long: Wilder's RSI remembers all
-- history (a halo of h bars leaves an error of about (1 - 1/n)^h: 500 bars puts it below
-- 1e-15 for n = 14), and the in/out state is set by the last crossing before the slice, so
-- the halo must contain one (a flat stretch of 500 days without any is unlikely; check the
-- split result against --split none when in doubt).

function map(series, p)
  local s = quant.columns(series)
  local rsi = quant.rsi(s.close, p.n)
  local long = false
  local result = quant.run(s, {
    on_bar = function(bar, ctx)
      local r = rsi[bar.i]
      if not long and r < p.low then
        long = true
        ctx:target(1)
      elseif long and r > p.high then
        long = false
        ctx:target(0)
      end
    end,
  }, { fee_bps = 2 })
  return { key = series.key, n = p.n, low = p.low, high = p.high, parts = result.parts }
end

function reduce(values)
  local runs, order = {}, {}
  local function add(run)
    local id = run.key .. "|" .. run.n .. "|" .. run.low .. "|" .. run.high
    local acc = runs[id]
    if not acc then
      acc = { key = run.key, n = run.n, low = run.low, high = run.high, parts = {} }
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
    if a.low ~= b.low then return a.low < b.low end
    return a.high < b.high
  end)
  local out = {}
  for _, acc in ipairs(order) do
    local m = quant.combine(acc.parts)
    out[#out + 1] = {
      key = acc.key, n = acc.n, low = acc.low, high = acc.high,
      sharpe = m.sharpe, total_return = m.total_return, max_drawdown = m.max_drawdown,
      trades = m.trades, win_rate = m.win_rate, exposure = m.exposure, parts = m.parts,
    }
  end
  return { runs = out }
end
