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

  it("gives the array it keeps for a column while the column's bits are unchanged", () => {
    const cache = new ColumnCache(4, 1 << 20);
    const column = new Float64Array([1.5, 2.5, 3.5]);
    const first = cache.convert(column);
    expect(cache.convert(column)).toBe(first);
    expect(cache.convert(new Float64Array(column))).not.toBe(first);
    expect(first).toEqual([1.5, 2.5, 3.5]);
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
  it("start every call as the shard has them, whatever an earlier call wrote, by any path", () => {
    const job = compiledEngine.load({
      source: `function map(series, p)
  local c = series.close
  local before = { c[1], c[2], math.type(c[2]), #c, c[#c] }
  if p.how == "loop" then for i = 1, #c do c[i] = -i end
  elseif p.how == "store" then c[1] = -1
  elseif p.how == "nil" then c[#c] = nil
  elseif p.how == "append" then c[#c + 1] = 5
  elseif p.how == "insert" then table.insert(c, 1, 9)
  elseif p.how == "remove" then table.remove(c, 1)
  elseif p.how == "sort" then table.sort(c, function(a, b) return a > b end)
  elseif p.how == "move" then table.move(c, 2, 3, 1)
  elseif p.how == "rawset" then rawset(c, 2, "x")
  elseif p.how == "time" then series.time[1] = 0 end
  before[6] = c[1]
  return before
end`,
    });
    const close = new Float64Array([1.25, 2, 3.5]);
    const series = { key: "k", time: new Float64Array([10, 20, 30]), columns: { close }, first: 1 };
    const changed: Record<string, number | string> = { loop: -1, store: -1, nil: 1.25, append: 1.25, insert: 9, remove: 2, sort: 3.5, move: 2, rawset: 1.25, time: 1.25 };
    for (const [how, first] of Object.entries(changed)) {
      expect(job.map(series, { how }, 1).value, how).toEqual([1.25, 2, "float", 3, 3.5, first]);
      expect(job.map(series, {}, 1).value, `after ${how}`).toEqual([1.25, 2, "float", 3, 3.5, 1.25]);
    }
  });
});
