/**
 * The backtest kernel of bench/lua, written three ways: plain Lua (run by native lua5.4
 * and by fengari), Lua on the `ts` builtins, and plain JavaScript. All compute the same
 * SMA-crossover sweep over the same synthetic random walk, so their answers must agree.
 */

/** A deterministic random walk; float-only arithmetic so Lua 5.4, fengari and JS build identical bars. */
export const WALK_LUA = `
local function walk(n)
  local close, x, c = {}, 1.0, 100.0
  for i = 1, n do
    x = (x * 16807.0) % 2147483647.0
    c = c * (1 + (x / 2147483647.0 - 0.5) * 0.02)
    close[i] = c
  end
  return close
end
`;

export function walk(n: number): Float64Array {
  const close = new Float64Array(n);
  let x = 1;
  let c = 100;
  for (let i = 0; i < n; i++) {
    x = (x * 16807) % 2147483647;
    c = c * (1 + (x / 2147483647 - 0.5) * 0.02);
    close[i] = c;
  }
  return close;
}

/** The sweep's parameter points. */
export const POINTS: Array<{ fast: number; slow: number }> = [
  { fast: 10, slow: 50 },
  { fast: 20, slow: 100 },
  { fast: 50, slow: 200 },
];

export const PLAIN_LUA = `
local function backtest(close, fast, slow)
  local n = #close
  local sf, ss, prev = 0.0, 0.0, 0
  local sum, sumsq, cnt, trades = 0.0, 0.0, 0, 0
  for i = 1, n do
    local c = close[i]
    sf = sf + c
    ss = ss + c
    if i > fast then sf = sf - close[i - fast] end
    if i > slow then ss = ss - close[i - slow] end
    if i > 1 then
      local r = prev * (c / close[i - 1] - 1)
      sum = sum + r
      sumsq = sumsq + r * r
      cnt = cnt + 1
    end
    local sig = 0
    if i >= slow and sf / fast > ss / slow then sig = 1 end
    if sig ~= prev then trades = trades + 1 end
    prev = sig
  end
  local mean = sum / cnt
  return mean / math.sqrt((sumsq - sum * sum / cnt) / (cnt - 1)) * math.sqrt(252), trades
end
`;

/** The Lua a back-edge budget would run each time round a loop and on entering a function: a countdown in an upvalue. */
const BACKEDGE_CHECK = "__n = __n - 1 if __n < 0 then __n = __refill() end";

/**
 * PLAIN_LUA as a source-level back-edge budget would rewrite it: a check at every loop body and
 * function entry. `__refill` stands for the host function that would charge a block of
 * iterations to the budget (it runs once every 1000 checks, so its cost is not what is measured).
 */
export const BACKEDGE_LUA = `local __n, __refill = 0, function() return 1000 end
${PLAIN_LUA.replace("local function backtest(close, fast, slow)", `local function backtest(close, fast, slow) ${BACKEDGE_CHECK}`).replace(
  "for i = 1, n do",
  `for i = 1, n do ${BACKEDGE_CHECK}`,
)}`;

export function backtestJs(close: Float64Array, fast: number, slow: number): [number, number] {
  let sf = 0, ss = 0, prev = 0, sum = 0, sumsq = 0, cnt = 0, trades = 0;
  for (let i = 0; i < close.length; i++) {
    const c = close[i]!;
    sf += c;
    ss += c;
    if (i >= fast) sf -= close[i - fast]!;
    if (i >= slow) ss -= close[i - slow]!;
    if (i > 0) {
      const r = prev * (c / close[i - 1]! - 1);
      sum += r;
      sumsq += r * r;
      cnt++;
    }
    const sig = i + 1 >= slow && sf / fast > ss / slow ? 1 : 0;
    if (sig !== prev) trades++;
    prev = sig;
  }
  const mean = sum / cnt;
  return [(mean / Math.sqrt((sumsq - (sum * sum) / cnt) / (cnt - 1))) * Math.sqrt(252), trades];
}

/**
 * The same backtest on the `ts` builtins, with no loop over the bars in Lua: each line is one
 * pass in the host. Element by element it computes what PLAIN_LUA does — the signal where the
 * fast mean is above the slow one, each bar's return c[i] / c[i−1] − 1 times the signal of the
 * bar before (the same multiplication, so the same bits), the trades as the signal's changes
 * (it starts at 0, as the loop's `prev` does, since NaN compares false) — but its means are
 * exact sums rounded once where the loop keeps running sums (the sliding sums drift by a few
 * ulps over a million bars, and its variance is the one-pass formula), so a signal could differ
 * where the two means all but tie, and the sharpe differs in its last digits: bench/lua reports
 * by how much (kernels.test.ts bounds it).
 */
export const TS_LUA = `
function map(series, p)
  local close = series.close
  local signal = ts.gt(ts.rolling_mean(close, p.fast), ts.rolling_mean(close, p.slow))
  local r = ts.mul(ts.shift(signal), ts.pct_change(close))
  return { sharpe = ts.mean(r) / ts.std(r) * math.sqrt(252), trades = ts.count_changes(signal) }
end
`;
