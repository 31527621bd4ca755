import { readFileSync } from "node:fs";
import { parseCsv } from "@shoal/timeseries";
import * as ti from "technicalindicators";
import { describe, expect, it } from "vitest";
import * as q from "./indicators.ts";

const sp500 = parseCsv(readFileSync(new URL("../../../../public/datasets/sp500.csv", import.meta.url), "utf8"), {
  defaultKey: "sp500",
}).series[0]!;
const col = (name: string) => sp500.columns[name]!;
const close = col("close");
const values = Array.from(close);

/** Compares a full-length output with technicalindicators' shorter one, aligned at the end. */
function expectAligned(ours: Float64Array, theirs: ArrayLike<number | undefined>, rel = 1e-9): void {
  const offset = ours.length - theirs.length;
  expect(offset).toBeGreaterThanOrEqual(0);
  const bad: string[] = [];
  for (let i = 0; i < offset; i++) if (!Number.isNaN(ours[i])) bad.push(`warm-up bar ${i}: ${ours[i]}`);
  let compared = 0;
  for (let i = 0; i < theirs.length; i++) {
    const e = theirs[i];
    const a = ours[i + offset]!;
    if (e === undefined) {
      if (!Number.isNaN(a)) bad.push(`bar ${i + offset}: ${a} vs undefined`);
    } else if (!(Math.abs(a - e) <= rel * Math.max(Math.abs(e), 1e-300))) bad.push(`bar ${i + offset}: ${a} vs ${e}`);
    else compared++;
  }
  expect(bad.slice(0, 5)).toEqual([]);
  expect(compared).toBeGreaterThan(1000);
}

describe("indicators match technicalindicators on the S&P 500 sample", () => {
  it("has the sample loaded", () => expect(close.length).toBeGreaterThan(5000));

  for (const n of [1, 2, 10, 50, 200]) {
    it(`SMA, WMA, EMA (n = ${n})`, () => {
      expectAligned(q.sma(close, n), ti.SMA.calculate({ period: n, values }));
      expectAligned(q.wma(close, n), ti.WMA.calculate({ period: n, values }));
      expectAligned(q.ema(close, n), ti.EMA.calculate({ period: n, values }));
    });
  }

  for (const n of [2, 14, 30]) {
    it(`RSI (n = ${n}): equal before technicalindicators' 2-decimal rounding, and after it`, () => {
      const ours = q.rsi(close, n);
      const gain = ti.AverageGain.calculate({ period: n, values });
      const loss = ti.AverageLoss.calculate({ period: n, values });
      const unrounded = gain.map((g, i) => 100 - 100 / (1 + g / loss[i]!));
      expectAligned(ours, unrounded);
      const rounded = ti.RSI.calculate({ period: n, values });
      const mismatches = rounded.filter((r, i) => Number(ours[i + ours.length - rounded.length]!.toFixed(2)) !== r);
      expect(mismatches).toEqual([]);
    });
  }

  it("MACD (12, 26, 9) with EMA oscillator and signal", () => {
    const ours = q.macd(close, 12, 26, 9);
    const theirs = ti.MACD.calculate({
      values,
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
    expectAligned(ours.macd, theirs.map((r) => r.MACD));
    expectAligned(ours.signal, theirs.map((r) => r.signal), 1e-9);
    expectAligned(ours.histogram, theirs.map((r) => r.histogram), 1e-6); // a difference of nearly equal values
  });

  it("Bollinger bands (20, 2) with the population stdev", () => {
    const ours = q.bbands(close, 20, 2);
    const theirs = ti.BollingerBands.calculate({ period: 20, values, stdDev: 2 });
    expectAligned(ours.middle, theirs.map((r) => r.middle));
    expectAligned(ours.upper, theirs.map((r) => r.upper));
    expectAligned(ours.lower, theirs.map((r) => r.lower));
  });

  for (const n of [5, 20]) {
    it(`stdev (n = ${n}): ddof 0 is technicalindicators' SD; the default ddof 1 is it × √(n/(n−1))`, () => {
      const sd = ti.SD.calculate({ period: n, values });
      expectAligned(q.stdev(close, n, 0), sd);
      expectAligned(q.stdev(close, n), sd.map((x) => x * Math.sqrt(n / (n - 1))));
    });
  }

  it("ATR (14): Wilder smoothing of the true range from the second bar", () => {
    const input = { high: Array.from(col("high")), low: Array.from(col("low")), close: values };
    expectAligned(q.trueRange(col("high"), col("low"), close), ti.TrueRange.calculate(input));
    expectAligned(q.atr(col("high"), col("low"), close, 14), ti.ATR.calculate({ ...input, period: 14 }));
  });

  it("rolling min and max equal Lowest and Highest", () => {
    expectAligned(q.rollingMin(close, 20), ti.Lowest.calculate({ period: 20, values }), 0);
    expectAligned(q.rollingMax(close, 20), ti.Highest.calculate({ period: 20, values }), 0);
  });

  it("returns over k bars equal ROC / 100", () => {
    for (const k of [1, 5]) expectAligned(q.returns(close, k), ti.ROC.calculate({ period: k, values }).map((r) => r / 100));
    const logs = q.logReturns(close, 1);
    const simple = q.returns(close, 1);
    for (let i = 1; i < close.length; i++) expect(logs[i]).toBeCloseTo(Math.log1p(simple[i]!), 12);
  });

  it("crossover equals CrossUp except technicalindicators' cross on the very first bar", () => {
    const fast = q.sma(close, 10);
    const slow = q.sma(close, 50);
    const from = 49; // both averages defined
    const theirs = ti.CrossUp.calculate({ lineA: Array.from(fast.subarray(from)), lineB: Array.from(slow.subarray(from)) });
    const ours = Array.from(q.crossover(fast, slow).subarray(from), (x) => x === 1);
    expect(theirs[0]).toBe(fast[from]! > slow[from]!); // they count a > b on their first bar as a cross
    expect(ours[0]).toBe(false); // we need a bar before it
    expect(ours.slice(1)).toEqual(theirs.slice(1));
    expect(ours.filter(Boolean).length).toBeGreaterThan(20);
    const down = Array.from(q.crossunder(fast, slow).subarray(from), (x) => x === 1);
    const theirsDown = ti.CrossDown.calculate({ lineA: Array.from(fast.subarray(from)), lineB: Array.from(slow.subarray(from)) });
    expect(down.slice(1)).toEqual(theirsDown.slice(1));
  });
});

describe("definitions where technicalindicators differs or has nothing", () => {
  it("RSI is 50 on a flat series (technicalindicators says 100) and 100 when prices only rise", () => {
    const flat = new Float64Array(30).fill(7);
    expect(q.rsi(flat, 14)[20]).toBe(50);
    expect(ti.RSI.calculate({ period: 14, values: Array.from(flat) })[0]).toBe(100);
    expect(q.rsi(Float64Array.from({ length: 30 }, (_, i) => i), 14)[20]).toBe(100);
  });

  it("zscore is (x − mean) / stdev with the sample stdev by default", () => {
    const z = q.zscore(close, 20);
    const m = q.sma(close, 20);
    const sd = q.stdev(close, 20);
    for (const i of [19, 100, 5000]) expect(z[i]).toBeCloseTo((close[i]! - m[i]!) / sd[i]!, 12);
    expect(q.zscore(new Float64Array(5).fill(1), 3)[4]).toBeNaN();
  });

  it("EMA is seeded with the SMA of the first n values, not the first value (unlike ts.ema)", () => {
    const a = Float64Array.of(1, 2, 3, 4);
    expect(Array.from(q.ema(a, 3))).toEqual([NaN, NaN, 2, 3]);
  });

  it("recursive indicators skip NaN inputs; windows holding NaN give NaN", () => {
    const a = Float64Array.of(NaN, 1, 2, NaN, 3, 4);
    const e = q.ema(a, 2);
    expect([e[0], e[1], e[3]].every(Number.isNaN)).toBe(true);
    expect([e[2], e[4], e[5]]).toEqual([1.5, (3 - 1.5) * (2 / 3) + 1.5, (4 - e[4]!) * (2 / 3) + e[4]!]);
    expect(Array.from(q.sma(a, 2))).toEqual([NaN, NaN, 1.5, NaN, NaN, 3.5]);
    expect(Array.from(q.rsi(Float64Array.of(NaN, 1, 2, NaN, 1), 1))).toEqual([NaN, NaN, 100, NaN, 0]);
  });

  it("hold latches a position between entry and exit signals", () => {
    const enter = Float64Array.of(0, 1, 0, 0, 1, 1, 0);
    const exit = Float64Array.of(0, 0, 0, 1, 1, 0, 0);
    expect(Array.from(q.hold(enter, exit, -0.5))).toEqual([0, -0.5, -0.5, 0, 0, -0.5, -0.5]);
    expect(Array.from(q.above(Float64Array.of(1, NaN, 3), 2))).toEqual([0, 0, 1]);
    expect(Array.from(q.below(Float64Array.of(1, NaN, 3), Float64Array.of(2, 2, 2)))).toEqual([1, 0, 0]);
  });
});
