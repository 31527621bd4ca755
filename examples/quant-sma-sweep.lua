-- SMA-crossover sweep on the quant library: long while the fast SMA is above the slow one.
--
--   npx shoal run examples/quant-sma-sweep.lua --data public/datasets/sp500.csv \
--     --param fast=5,10,20,50 --param slow=50,100,150,200 --split rows=500 --halo 200
--
-- The position decided at a bar's close uses SMAs up to that bar and earns the next bar's
-- return, so the halo must cover the slowest window (halo >= max slow). With it, every slice
-- starts from the position the unsplit run holds there, and reduce combines the slices'
-- parts into exactly the unsplit figures. Indicators and the backtest run in JavaScript on
-- quant vectors; the one Lua loop over bars picks the week starts of the equity curve.
--
-- The result's `best` also holds that run's equity curve (`best.equity = { time, equity }`,
-- growth of 1 invested at the first bar): the equity at the first bar of each week (weeks are
-- 7-day buckets counted from the epoch), thinned to every 2nd, 4th, 8th... week so at most
-- CURVE_POINTS (128) remain, plus the last bar. Which weeks are kept depends only on the whole
-- run, never on how it was split or grouped, so a split run's curve equals the unsplit one.
-- Every run carries its curve (`runs[i].curve`, at most 128 points) up the reduce tree, since the
-- best is known only at the top, and so the result holds one curve per run. No reduce can drop
-- the others': a group holds some of each run's slices, whose Sharpe does not decide the best
-- over all the bars, and no slice knows it is the series' last, so no group can tell that a run
-- is complete. (Keeping only each group's best so far loses the final best's curve: on the S&P
-- 500 sample, split every 1000 rows, it did in every grouping tried.)

local FEE_BPS = 1
local CURVE_POINTS = 128
local WEEK_MS = 7 * 86400000

-- A run's curve as reduce passes it on: `segments` of consecutive bars in time order (slices
-- reduced together need not be neighbours), each with the time of the bar before it (`prev`),
-- its week-start points relative to its own start, and its last bar's time and growth; `step`
-- says every how many weeks points are kept.

-- Keeps, in every segment, the points whose week is a multiple of the smallest power of two (at
-- least `step`) that leaves at most CURVE_POINTS of them in all.
local function thin(segments, step)
  local function count(st)
    local n = 0
    for _, sg in ipairs(segments) do
      for _, t in ipairs(sg.time) do
        if (t // WEEK_MS) % st == 0 then n = n + 1 end
      end
    end
    return n
  end
  while count(step) > CURVE_POINTS do step = step * 2 end
  for _, sg in ipairs(segments) do
    local time, equity = {}, {}
    for i, t in ipairs(sg.time) do
      if (t // WEEK_MS) % step == 0 then
        time[#time + 1] = t
        equity[#equity + 1] = sg.equity[i]
      end
    end
    sg.time, sg.equity = time, equity
  end
  return { step = step, segments = segments }
end

-- A slice's curve from its backtest's every-bar equity: the bars that start a week (the bar
-- before the first owned one, in the halo, says whether that one does).
local function slice_curve(curve, before)
  local n = #curve.time
  if n == 0 then return { step = 1, segments = {} } end
  local time, equity = {}, {}
  local week = before and before // WEEK_MS
  for i, t in ipairs(curve.time) do
    local w = t // WEEK_MS
    if w ~= week then
      time[#time + 1] = t
      equity[#equity + 1] = curve.equity[i]
    end
    week = w
  end
  return thin({ { prev = before, time = time, equity = equity, last_time = curve.time[n], last = curve.equity[n] } }, 1)
end

-- The curves of one run's pieces as one: neighbouring segments joined, the later one scaled by
-- the growth of the earlier.
local function join(curves)
  local segments, step = {}, 1
  for _, c in ipairs(curves) do
    if c.step > step then step = c.step end
    for _, sg in ipairs(c.segments) do segments[#segments + 1] = sg end
  end
  table.sort(segments, function(a, b) return a.last_time < b.last_time end)
  local out = {}
  for _, sg in ipairs(segments) do
    local before = out[#out]
    if before and sg.prev == before.last_time then
      for i, t in ipairs(sg.time) do
        before.time[#before.time + 1] = t
        before.equity[#before.equity + 1] = sg.equity[i] * before.last
      end
      before.last = before.last * sg.last
      before.last_time = sg.last_time
    else
      out[#out + 1] = sg
    end
  end
  return thin(out, step)
end

-- A run's equity curve for the result: its (one, once every slice is in) segment, ending on the last bar.
local function equity_of(curve)
  local time, equity, scale = {}, {}, 1
  for _, sg in ipairs(curve.segments) do
    for i, t in ipairs(sg.time) do
      time[#time + 1] = t
      equity[#equity + 1] = sg.equity[i] * scale
    end
    scale = scale * sg.last
    if time[#time] ~= sg.last_time then
      time[#time + 1] = sg.last_time
      equity[#equity + 1] = scale
    end
  end
  return { time = time, equity = equity }
end

function map(series, p)
  local s = quant.columns(series) -- read-only vectors over the series, no Lua arrays built
  local position = quant.above(quant.sma(s.close, p.fast), quant.sma(s.close, p.slow))
  local owned = #s.close - s.first + 1
  local r = quant.backtest { close = s.close, position = position, time = s.time, first = s.first, fee_bps = FEE_BPS, curve = math.max(1, owned) }
  local curve = slice_curve(r.equity, s.time[s.first - 1])
  for _, stretch in ipairs(r.parts) do stretch.curve = nil end -- every bar's equity: the piece above keeps what the result needs
  return { key = series.key, fast = p.fast, slow = p.slow, parts = r.parts, curve = curve }
end

-- Receives map outputs and earlier reduce outputs ({ runs = ... }) in any grouping: the
-- parts of one run (series and parameters) combine in time order whatever the order.
function reduce(values)
  local runs, order = {}, {}
  local function add(run)
    local id = run.key .. "|" .. run.fast .. "|" .. run.slow
    local acc = runs[id]
    if not acc then
      acc = { key = run.key, fast = run.fast, slow = run.slow, parts = {}, curves = {} }
      runs[id] = acc
      order[#order + 1] = acc
    end
    acc.parts[#acc.parts + 1] = run.parts
    acc.curves[#acc.curves + 1] = run.curve
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
      parts = m.parts, curve = join(acc.curves),
    }
    out[#out + 1] = run
    if not best or run.sharpe > best.sharpe then best = run end
  end
  return { best = { key = best.key, fast = best.fast, slow = best.slow, sharpe = best.sharpe, equity = equity_of(best.curve) }, runs = out }
end
