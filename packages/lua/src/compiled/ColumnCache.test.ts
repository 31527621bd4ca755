import { describe, expect, it } from "vitest";
import { ColumnCache, floatArray } from "./ColumnCache.ts";
import { compiledEngine } from "./CompiledEngine.ts";
import { isBoxedFloat, type LuaValue } from "./values.ts";

/** An element as "float x" or "int x", so boxing shows. */
const shown = (v: LuaValue) => (isBoxedFloat(v) ? `float ${Object.is(v.n, -0) ? "-0" : v.n}` : `${typeof v} ${String(v)}`);

const EDGES = new Float64Array([0.5, 3, -0, 0, NaN, Infinity, -Infinity, 1e300, -2.25]);

describe("ColumnCache", () => {
  it("converts as the engine stores floats: integral values boxed, others plain", () => {
    expect(floatArray(EDGES).map(shown)).toEqual(["number 0.5", "float 3", "float -0", "float 0", "number NaN", "number Infinity", "number -Infinity", "float 1e+300", "number -2.25"]);
    const cache = new ColumnCache(4, 1 << 20);
    expect(cache.convert(EDGES).map(shown)).toEqual(floatArray(EDGES).map(shown));
    expect(cache.convert(EDGES).map(shown)).toEqual(floatArray(EDGES).map(shown));
  });

  it("gives a fresh array each time: what one call writes, the next does not see", () => {
    const cache = new ColumnCache(4, 1 << 20);
    const column = new Float64Array([1.5, 2.5, 3.5]);
    const first = cache.convert(column);
    first[0] = "written";
    first.push(9);
    const second = cache.convert(column);
    expect(second).not.toBe(first);
    expect(second).toEqual([1.5, 2.5, 3.5]);
  });

  it("reads a column whose bytes changed under the same typed array as it is now", () => {
    const cache = new ColumnCache(4, 1 << 20);
    const buffer = new Float64Array([1.5, 2, 3.5, 4.25]);
    const column = buffer.subarray(1, 4);
    expect(cache.convert(column).map(shown)).toEqual(["float 2", "number 3.5", "number 4.25"]);
    buffer.set([7.5, 8, -0], 1);
    expect(cache.convert(column).map(shown)).toEqual(["number 7.5", "float 8", "float -0"]);
    buffer.set([0], 3);
    expect(cache.convert(column).map(shown)).toEqual(["number 7.5", "float 8", "float 0"]);
    expect(cache.size.entries).toBe(1);
    expect(cache.convert(buffer.subarray(1, 3)).map(shown)).toEqual(["number 7.5", "float 8"]);
  });

  it("keeps at most its entries and bytes, and not a column larger than the byte bound", () => {
    // 16 bytes a number (its slot and its kept bits), 56 more for a box.
    const cache = new ColumnCache(3, 1600);
    for (let k = 0; k < 5; k++) cache.convert(new Float64Array(10).fill(k + 0.5));
    expect(cache.size).toEqual({ entries: 3, bytes: 3 * 160 });
    cache.convert(new Float64Array(60).fill(0.5));
    expect(cache.size).toEqual({ entries: 3, bytes: 2 * 160 + 960 });
    cache.convert(new Float64Array(30).fill(0.5));
    expect(cache.size).toEqual({ entries: 3, bytes: 160 + 960 + 480 });
    // The entry bound drops the 160-byte column, then the byte bound the 960-byte one.
    cache.convert(new Float64Array(20).fill(0.5));
    expect(cache.size).toEqual({ entries: 2, bytes: 480 + 320 });
    expect(cache.convert(new Float64Array(101).fill(0.5))).toHaveLength(101);
    expect(cache.size).toEqual({ entries: 2, bytes: 480 + 320 });
    cache.convert(new Float64Array(1).fill(2));
    expect(cache.size).toEqual({ entries: 3, bytes: 480 + 320 + 16 + 56 });
  });
});

describe("the compiled engine's series columns", () => {
  it("start every call as the shard has them, whatever an earlier call wrote", () => {
    const job = compiledEngine.load({
      source: `function map(series, p)
  local before = { series.close[1], math.type(series.close[2]), #series.close }
  series.close[1] = -1
  series.close[2] = nil
  series.close[#series.close + 1] = 5
  return before
end`,
    });
    const close = new Float64Array([1.25, 2, 3.5]);
    const series = { key: "k", time: new Float64Array([10, 20, 30]), columns: { close }, first: 1 };
    for (let call = 0; call < 3; call++) expect(job.map(series, {}, 1).value).toEqual([1.25, "float", 3]);
  });
});
