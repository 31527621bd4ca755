-- SMA-crossover sweep on the quant library: long while the fast SMA is above the slow one.
--
--   npx shoal run examples/quant-sma-sweep.lua --data public/datasets/sp500.csv \
--     --param fast=5,10,20,50 --param slow=50,100,150,200 --split rows=500 --halo 200
--
-- The position decided at a bar's close uses SMAs up to that bar and earns the next bar's
-- return, so the halo must cover the slowest window (halo >= max slow). With it, every slice
-- starts from the position the unsplit run holds there, and reduce combines the slices'
-- parts into exactly the unsplit figures. Indicators and the backtest run in JavaScript on
-- quant vectors; no Lua loop touches the bars.

local FEE_BPS = 1

function map(series, p)
  local s = quant.columns(series) -- read-only vectors over the series, no Lua arrays built
  local position = quant.above(quant.sma(s.close, p.fast), quant.sma(s.close, p.slow))
  local r = quant.backtest { close = s.close, position = position, time = s.time, first = s.first, fee_bps = FEE_BPS }
  return { key = series.key, fast = p.fast, slow = p.slow, parts = r.parts }
end

-- Receives map outputs and earlier reduce outputs ({ runs = ... }) in any grouping: the
-- parts of one run (series and parameters) combine in time order whatever the order.
function reduce(values)
  local runs, order = {}, {}
  local function add(run)
    local id = run.key .. "|" .. run.fast .. "|" .. run.slow
    local acc = runs[id]
    if not acc then
      acc = { key = run.key, fast = run.fast, slow = run.slow, parts = {} }
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
    if a.fast ~= b.fast then return a.fast < b.fast end
    return a.slow < b.slow
  end)
  local out, best = {}, nil
  for _, acc in ipairs(order) do
    local m = quant.combine(acc.parts)
    local run = {
      key = acc.key, fast = acc.fast, slow = acc.slow,
      sharpe = m.sharpe, total_return = m.total_return, cagr = m.cagr,
      max_drawdown = m.max_drawdown, trades = m.trades, win_rate = m.win_rate,
      parts = m.parts,
    }
    out[#out + 1] = run
    if not best or run.sharpe > best.sharpe then best = run end
  end
  return { best = { key = best.key, fast = best.fast, slow = best.slow, sharpe = best.sharpe }, runs = out }
end
