/**
 * The strategy of bench/quant, an SMA-crossover sweep with 1 bp of fees, written twice: on
 * the `quant` library (run by fengari through packages/lua) and as plain Lua (run by native
 * lua5.4). The plain Lua follows quant's definitions — the position decided at bar i's
 * close earns bar i+1, Sharpe over every bar annualised with √252, trades = entries — so
 * both must print the same answers.
 */

/** The sweep's parameter points. */
export const POINTS: Array<{ fast: number; slow: number }> = [
  { fast: 10, slow: 50 },
  { fast: 20, slow: 100 },
  { fast: 50, slow: 200 },
];

export const FEE_BPS = 1;

export const QUANT_LUA = `
function map(series, p)
  local s = quant.columns(series)
  local position = quant.above(quant.sma(s.close, p.fast), quant.sma(s.close, p.slow))
  local r = quant.backtest { close = s.close, position = position, fee_bps = ${FEE_BPS} }
  return { sharpe = r.sharpe, trades = r.trades }
end
`;

export const PLAIN_LUA = `
local function backtest(close, fast, slow)
  local cost = ${FEE_BPS} / 10000
  local n = #close
  local sf, ss, held = 0.0, 0.0, 0
  local sum, sumsq, trades = 0.0, 0.0, 0
  for i = 1, n do
    local c = close[i]
    sf = sf + c
    ss = ss + c
    if i > fast then sf = sf - close[i - fast] end
    if i > slow then ss = ss - close[i - slow] end
    local pos = 0
    if i >= slow and sf / fast > ss / slow then pos = 1 end
    local gross = 1.0
    if i > 1 then gross = 1 + held * (c / close[i - 1] - 1) end
    local r = gross * (1 - math.abs(pos - held) * cost) - 1
    sum = sum + r
    sumsq = sumsq + r * r
    if pos ~= 0 and held == 0 then trades = trades + 1 end
    held = pos
  end
  local mean = sum / n
  return mean / math.sqrt((sumsq - sum * mean) / (n - 1)) * math.sqrt(252), trades
end
`;
