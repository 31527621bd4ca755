import { readdirSync, readFileSync } from "node:fs";
import type { Json } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import { parseCsv, planSlices, sliceSeries } from "@shoal/timeseries";
import { describe, expect, it } from "vitest";
import { LuaError, type LuaEngine, type SeriesInput } from "../LuaEngine.ts";
import { luaErrorOf, mapBody } from "../testing/fixtures.ts";
import { loadWasmoonEngine } from "../wasmoon/WasmoonEngine.ts";
import { compiledEngine } from "./CompiledEngine.ts";

// The compiled engine runs the same builtin kernels as wasmoon (both have Lua 5.4's 64-bit
// integers), so ts results agree bit for bit and whole jobs agree after canonicalisation.
// An example the compiled engine refuses must be refused at load, naming the line and why.

const wasmoon = await loadWasmoonEngine();
const root = new URL("../../../../", import.meta.url);
const sp500 = parseCsv(readFileSync(new URL("public/datasets/sp500.csv", root), "utf8"), { defaultKey: "sp500" }).series[0]!;
const SERIES: SeriesInput = { ...sp500, first: 1 };

function both(body: string, p: Record<string, Json> = {}): [Json, Json] {
  const run = (engine: LuaEngine) => engine.load({ source: mapBody(body), maxResultBytes: 64 << 20 }).map(SERIES, p, 1).value;
  return [run(wasmoon), run(compiledEngine)];
}

describe("the compiled engine gives wasmoon's results", () => {
  it("for every ts builtin, bit for bit", () => {
    const [w, c] = both(`
      local c = series.close
      return { ts.sum(c), ts.mean(c), ts.std(c), ts.min(c), ts.max(c), ts.rolling_mean(c, 20), ts.rolling_std(c, 20),
        ts.rolling_min(c, 5), ts.rolling_max(c, 5), ts.rolling_sum(c, 3), ts.ema(c, 12), ts.diff(c), ts.returns(c),
        ts.pct_change(c, 2), ts.log_returns(c), ts.shift(c, -1), ts.cumsum(c), ts.cumprod(ts.returns(c)), ts.zscore(c, 50),
        ts.sign(ts.diff(c)), ts.clip(c, 1000, 2000), ts.crossover(c, 1500), ts.crossover(c, ts.shift(c)), ts.copy(c),
        ts.add(c, 1.5), ts.sub(c, ts.shift(c)), ts.mul(ts.shift(ts.gt(c, ts.ema(c, 20))), ts.returns(c)), ts.div(c, ts.shift(c)),
        ts.lt(c, 1500), ts.ge(c, ts.shift(c)), ts.le(c, ts.shift(c)), ts.abs(ts.diff(c)), ts.count_changes(ts.sign(ts.diff(c))),
        ts.slice(c, 10, -10) }`);
    expect(c).toEqual(w);
    expect((w as Json[]).length).toBe(34);
  });

  it("for ts results read and refused as views, and builtin argument errors word for word", () => {
    const body = `local v = ts.cumsum({ 1, 2, 3.5 })
      local ok, e = pcall(function() v[1] = 5 end)
      local ok2, e2 = pcall(ts.rolling_mean, { 1, "a" }, 2)
      local ok3, e3 = pcall(ts.clip, v, 3, 1)
      local shown = {}
      for i, x in ipairs(v) do shown[i] = tostring(x) end
      return { #v, v[2], v[9] == nil, getmetatable(v), ok, e, ok2, e2, ok3, e3, table.concat(shown, " "), math.type(v[1]) }`;
    const [w, c] = both(body);
    expect(c).toEqual(w);
  });

  it("for math.random under the same seed", () => {
    const [w, c] = both(`local t = {} for i = 1, 20 do t[i] = math.random(1, 1000) end t[21] = math.random() math.randomseed(42) t[22] = math.random(6) return t`);
    expect(c).toEqual(w);
  });

  const examples = readdirSync(new URL("examples/", root)).filter((f) => f.endsWith(".lua"));
  it.each(examples)("for examples/%s, or refuses it at load naming the line", (name) => {
    const source = readFileSync(new URL(`examples/${name}`, root), "utf8");
    let job;
    try {
      job = compiledEngine.load({ source });
    } catch (e) {
      expect(e).toBeInstanceOf(LuaError);
      expect(luaErrorOf(() => compiledEngine.load({ source }))).toMatchObject({ kind: "syntax", message: expect.stringMatching(/^job\.lua:\d+: .*not supported by the compiled engine/) });
      expect(source).toMatch(/quant\.|:gsub|:find|:match|string\.(find|match|gsub|gmatch)|coroutine\.|utf8\./);
      return;
    }
    const reference = wasmoon.load({ source });
    const points: Record<string, Json>[] = [{ fast: 5, slow: 50, n: 20, window: 20, k: 2, threshold: 0.15 }, { fast: 10, slow: 100, n: 50, window: 50, k: 1.5, threshold: 0.4 }];
    const run = (j: typeof job) => {
      const values: Json[] = [];
      for (const range of planSlices(sp500.time, { kind: "rows", rows: 2000 }, 250)) {
        const slice = sliceSeries(sp500, range);
        for (const p of points) values.push(j.map(slice, p, 1).value);
      }
      return j.hasReduce ? j.reduce(values, 1).value : values;
    };
    expect(canonicalJson(run(job))).toBe(canonicalJson(run(reference)));
  });
});
