import * as q from "../quant/indicators.ts";
import * as ts from "../ts/tsLibrary.ts";
import { integer, lag, number, numbers, numbersOrNumber, window } from "./ArgShape.ts";
import type { Builtin, ReturnShape } from "./Builtin.ts";
import { aCount, aNumber, anArray, aTable, aVector, builtin, vectors } from "./Builtin.ts";

/**
 * The numeric builtins of the `ts` and `quant` libraries, defined once for every engine.
 *
 * To add one, add an entry: its library and name, the shapes of its arguments (from
 * ArgShape.ts: `numbers`, `window()`, `lag`, `integer(...)`, `number(...)`, …), the kernel
 * (a pure function on Float64Array and numbers, in ../ts or ../quant, throwing RangeError
 * for bad input) and the shape of its result (`aNumber`, `anArray`, `aVector`, `vectors(...)`).
 * Both engines install every entry through their adapter (fengari/FengariBuiltinCall.ts,
 * wasmoon/WasmoonBuiltinCall.ts), and builtins.test.ts runs every entry on both; document it
 * in docs/lua-api.md or docs/quant.md. A new engine needs only a BuiltinCall adapter.
 *
 * What cannot be a pure kernel stays per engine: quant.vector/table/columns/backtest/combine/run
 * read tables by field, build vectors over the series or call back into Lua.
 */
export const builtinTable: readonly Builtin[] = [...tsBuiltins(), ...quantBuiltins()];

/** Wraps a kernel of (a, b, …) to fail when its arrays differ in length, as all pairwise builtins do. */
function sameLength<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    const arrays = args.filter((x): x is Float64Array => x instanceof Float64Array);
    const first = arrays[0];
    const other = arrays.find((a) => a.length !== first?.length);
    if (first !== undefined && other !== undefined) throw new RangeError(`lengths differ (${first.length} and ${other.length})`);
    return f(...args);
  };
}

function tsBuiltins(): Builtin[] {
  const lib = "ts";
  const reduction = (name: string, kernel: (a: Float64Array) => number) => builtin({ lib, name, args: [numbers], kernel, returns: aNumber });
  const transform = (name: string, kernel: (a: Float64Array) => Float64Array) => builtin({ lib, name, args: [numbers], kernel, returns: anArray });
  const windowed = (name: string, kernel: (a: Float64Array, n: number) => Float64Array) =>
    builtin({ lib, name, args: [numbers, window()], kernel, returns: anArray, work: 1 });
  const lagged = (name: string, kernel: (a: Float64Array, k: number) => Float64Array) =>
    builtin({ lib, name, args: [numbers, lag], kernel, returns: anArray });
  const elementwise = (name: string, kernel: (a: Float64Array, b: Float64Array | number) => Float64Array) =>
    builtin({ lib, name, args: [numbers, numbersOrNumber], kernel: sameLength(kernel), returns: anArray });
  return [
    reduction("sum", ts.sum),
    reduction("mean", ts.mean),
    reduction("std", ts.std),
    reduction("min", ts.min),
    reduction("max", ts.max),
    windowed("rolling_sum", ts.rollingSum),
    windowed("rolling_mean", ts.rollingMean),
    windowed("rolling_std", ts.rollingStd),
    windowed("rolling_min", ts.rollingMin),
    windowed("rolling_max", ts.rollingMax),
    windowed("zscore", ts.zscore),
    windowed("ema", ts.ema),
    lagged("diff", ts.diff),
    lagged("returns", ts.returns),
    lagged("pct_change", ts.returns),
    lagged("log_returns", ts.logReturns),
    lagged("shift", ts.shift),
    transform("cumsum", ts.cumsum),
    transform("cumprod", ts.cumprod),
    transform("sign", ts.sign),
    transform("abs", ts.abs),
    elementwise("add", ts.add),
    elementwise("sub", ts.sub),
    elementwise("mul", ts.mul),
    elementwise("div", ts.div),
    elementwise("gt", ts.gt),
    elementwise("lt", ts.lt),
    elementwise("ge", ts.ge),
    elementwise("le", ts.le),
    builtin({ lib, name: "slice", args: [numbers, integer("start", -Infinity), integer("end", -Infinity, -1)], kernel: ts.slice, returns: anArray }),
    builtin({ lib, name: "count_changes", args: [numbers], kernel: ts.countChanges, returns: aCount }),
    elementwise("crossover", ts.crossover),
    builtin({
      lib,
      name: "clip",
      args: [numbers, number("lower bound"), number("upper bound")],
      kernel: (a, lo, hi) => {
        if (!(lo <= hi)) throw new RangeError("lower bound must not exceed upper bound");
        return ts.clip(a, lo, hi);
      },
      returns: anArray,
    }),
    builtin({ lib, name: "copy", args: [numbers], kernel: (a) => a, returns: aTable }),
  ];
}

function quantBuiltins(): Builtin[] {
  const lib = "quant";
  const windowed = (name: string, kernel: (a: Float64Array, n: number) => Float64Array, def?: number) =>
    builtin({ lib, name, args: [numbers, window(def)], kernel, returns: aVector, work: 1 });
  const withDdof = (name: string, kernel: (a: Float64Array, n: number, ddof: number) => Float64Array) =>
    builtin({ lib, name, args: [numbers, window(), integer("ddof", 0, 1)], kernel, returns: aVector, work: 4 });
  const lagged = (name: string, kernel: (a: Float64Array, k: number) => Float64Array) =>
    builtin({ lib, name, args: [numbers, lag], kernel, returns: aVector });
  const paired = (name: string, kernel: (a: Float64Array, b: Float64Array | number) => Float64Array) =>
    builtin({ lib, name, args: [numbers, numbersOrNumber], kernel: sameLength(kernel), returns: aVector });
  const hlc = [numbers, numbers, numbers] as const;
  const checkHlc = (high: Float64Array, low: Float64Array, close: Float64Array) => {
    if (high.length !== low.length || low.length !== close.length) throw new RangeError("high, low and close must have the same length");
  };
  const macd: ReturnShape<ReturnType<typeof q.macd>> = vectors((r) => [r.macd, r.signal, r.histogram]);
  const bbands: ReturnShape<ReturnType<typeof q.bbands>> = vectors((r) => [r.middle, r.upper, r.lower]);
  return [
    windowed("sma", q.sma),
    windowed("ema", q.ema),
    windowed("wma", q.wma),
    withDdof("stdev", q.stdev),
    withDdof("zscore", q.zscore),
    windowed("rsi", q.rsi, 14),
    builtin({
      lib,
      name: "macd",
      args: [numbers, integer("fast period", 1, 12), integer("slow period", 1, 26), integer("signal period", 1, 9)],
      kernel: q.macd,
      returns: macd,
    }),
    builtin({ lib, name: "bbands", args: [numbers, window(20), number("width", 2)], kernel: q.bbands, returns: bbands, work: 4 }),
    builtin({
      lib,
      name: "atr",
      args: [...hlc, window(14)],
      kernel: (high, low, close, n) => {
        checkHlc(high, low, close);
        return q.atr(high, low, close, n);
      },
      returns: aVector,
    }),
    builtin({
      lib,
      name: "true_range",
      args: hlc,
      kernel: (high, low, close) => {
        checkHlc(high, low, close);
        return q.trueRange(high, low, close);
      },
      returns: aVector,
    }),
    windowed("rolling_min", q.rollingMin),
    windowed("rolling_max", q.rollingMax),
    lagged("returns", q.returns),
    lagged("log_returns", q.logReturns),
    lagged("shift", q.shift),
    paired("crossover", q.crossover),
    paired("crossunder", q.crossunder),
    paired("above", q.above),
    paired("below", q.below),
    builtin({ lib, name: "hold", args: [numbers, numbers, number("size", 1)], kernel: sameLength(q.hold), returns: aVector }),
  ];
}
