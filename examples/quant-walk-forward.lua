-- Walk-forward optimisation of an SMA crossover as chained map/reduce: each slice of the
-- split is one test window; its halo holds the training window before it. map scores one
-- parameter point on the training window and backtests it on the test window; reduce picks,
-- per window, the point that trained best (stage 1), then chains the chosen points' test
-- results through all windows into one out-of-sample record (stage 2).
--
--   npx shoal run examples/quant-walk-forward.lua --data public/datasets/sp500.csv \
--     --param fast=5,10,20,50 --param slow=50,100,200 --split window=182d --halo 705
--
-- Roll forward by the split: window=182d tests every half year on the TRAIN bars before it.
-- The halo must hold TRAIN bars plus the slowest window plus one (705 = 504 + 200 + 1);
-- earlier windows without that much history are skipped. Both stages are associative (an
-- argmax per window with a fixed tie-break, then quant.combine in time order), so the reduce
-- tree may group values any way and the answer does not change. Each test window starts
-- from the position its own chosen point holds at the window's start, as if the switch of
-- parameters happened for free at the boundary.

local TRAIN = 504 -- bars of training before each test window (two years of trading days)

function map(series, p)
  local s = quant.columns(series)
  local first = s.first
  local fold = { key = series.key, start = s.time[first], fast = p.fast, slow = p.slow }
  if p.fast >= p.slow or first - TRAIN - 1 < p.slow then
    fold.skip = true -- nonsense point, or not enough history to train on
    return fold
  end
  local position = quant.above(quant.sma(s.close, p.fast), quant.sma(s.close, p.slow))
  local opts = { close = s.close, position = position, time = s.time, fee_bps = 1 }
  opts.first, opts.last = first - TRAIN, first - 1
  fold.score = quant.backtest(opts).sharpe
  opts.first, opts.last = first, nil
  fold.test = quant.backtest(opts).parts
  return fold
end

-- Stage 1's order: the better training Sharpe, ties to the smaller fast, then slow window.
local function better(a, b)
  if a.score ~= b.score then return a.score > b.score end
  if a.fast ~= b.fast then return a.fast < b.fast end
  return a.slow < b.slow
end

-- Receives map outputs and earlier reduce outputs ({ folds = ... }).
function reduce(values)
  local best, ids = {}, {}
  local function add(f)
    if f.skip then return end
    local id = f.key .. "|" .. string.format("%.0f", f.start)
    if not best[id] then ids[#ids + 1] = id end
    if not best[id] or better(f, best[id]) then best[id] = f end
  end
  for _, v in ipairs(values) do
    if v.folds then
      for _, f in ipairs(v.folds) do add(f) end
    else
      add(v)
    end
  end
  local folds = {}
  for _, id in ipairs(ids) do folds[#folds + 1] = best[id] end
  table.sort(folds, function(a, b)
    if a.key ~= b.key then return a.key < b.key end
    return a.start < b.start
  end)

  -- Stage 2: the chosen points' test windows, chained per series.
  local oos, tests = {}, {}
  for _, f in ipairs(folds) do
    if not tests[f.key] then
      tests[f.key] = {}
      oos[#oos + 1] = { key = f.key }
    end
    table.insert(tests[f.key], f.test)
  end
  for _, o in ipairs(oos) do
    local m = quant.combine(tests[o.key])
    o.windows, o.sharpe, o.total_return, o.cagr = #tests[o.key], m.sharpe, m.total_return, m.cagr
    o.max_drawdown, o.trades, o.win_rate = m.max_drawdown, m.trades, m.win_rate
  end
  return { out_of_sample = oos, folds = folds }
end
