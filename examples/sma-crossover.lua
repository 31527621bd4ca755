-- SMA-crossover sweep: long when the fast average is above the slow one, flat otherwise.
--
--   npx shoal run examples/sma-crossover.lua --data public/datasets/sp500.csv \
--     --param fast=5,10,20,50 --param slow=50,100,150,200 --split rows=500 --halo 250
--
-- map returns additive statistics for the rows a slice owns, so reduce can merge slices
-- and parameter points in any grouping and the split run equals the unsplit one.
-- The halo must cover the slow window plus two bars (the signal that sets a bar's position
-- is computed one bar earlier, and a trade compares it with the bar before that).

local BARS_PER_YEAR = 252

local function summarise(s)
  local mean = s.n > 0 and s.sum / s.n or 0
  local var = s.n > 1 and (s.sumsq - s.sum * s.sum / s.n) / (s.n - 1) or 0
  local sd = math.sqrt(math.max(var, 0))
  s.sharpe = sd > 0 and mean / sd * math.sqrt(BARS_PER_YEAR) or 0
  s.total_return = math.exp(s.logsum) - 1
  s.exposure = s.n > 0 and s.inmarket / s.n or 0
  return s
end

function map(series, p)
  local close = series.close
  local fast, slow = ts.rolling_mean(close, p.fast), ts.rolling_mean(close, p.slow)
  local function signal(i)
    if i < 1 then return 0 end
    return fast[i] > slow[i] and 1 or 0 -- NaN (not enough history) compares false: flat
  end
  local s = { fast = p.fast, slow = p.slow, n = 0, sum = 0, sumsq = 0, logsum = 0, trades = 0, inmarket = 0 }
  for t = math.max(series.first, 2), #close do
    local pos = signal(t - 1)
    local r = pos * (close[t] / close[t - 1] - 1)
    s.n = s.n + 1
    s.sum = s.sum + r
    s.sumsq = s.sumsq + r * r
    s.logsum = s.logsum + math.log(1 + r)
    s.inmarket = s.inmarket + pos
    if t >= 3 and pos ~= signal(t - 2) then s.trades = s.trades + 1 end
  end
  return summarise(s)
end

local function merge(into, s)
  for _, field in ipairs({ "n", "sum", "sumsq", "logsum", "trades", "inmarket" }) do
    into[field] = into[field] + s[field]
  end
end

-- Receives map outputs (one point) and earlier reduce outputs ({ runs = ... }).
function reduce(values)
  local byPoint, order = {}, {}
  local function add(s)
    local id = s.fast .. ":" .. s.slow
    local acc = byPoint[id]
    if not acc then
      acc = { fast = s.fast, slow = s.slow, n = 0, sum = 0, sumsq = 0, logsum = 0, trades = 0, inmarket = 0 }
      byPoint[id] = acc
      order[#order + 1] = acc
    end
    merge(acc, s)
  end
  for _, v in ipairs(values) do
    if v.runs then
      for _, s in ipairs(v.runs) do add(s) end
    else
      add(v)
    end
  end
  table.sort(order, function(a, b)
    if a.fast ~= b.fast then return a.fast < b.fast end
    return a.slow < b.slow
  end)
  local best
  for _, s in ipairs(order) do
    summarise(s)
    if not best or s.sharpe > best.sharpe then best = s end
  end
  return { best = { fast = best.fast, slow = best.slow, sharpe = best.sharpe }, runs = order }
end
