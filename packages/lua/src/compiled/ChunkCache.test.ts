import { describe, expect, it } from "vitest";
import { ChunkCache } from "./ChunkCache.ts";
import { compiledEngine } from "./CompiledEngine.ts";

const SERIES = { key: "k", time: new Float64Array([1]), columns: {}, first: 1 };

describe("ChunkCache", () => {
  it("compiles a source once per name and budget setting", () => {
    const cache = new ChunkCache(4, 1 << 20);
    const a = cache.compile("return 1");
    expect(cache.compile("return 1")).toBe(a);
    expect(cache.compile("return 1", { budget: false })).not.toBe(a);
    expect(cache.compile("return 1", { chunkName: "other.lua" })).not.toBe(a);
    expect(cache.compile("return 2")).not.toBe(a);
    expect(cache.size.entries).toBe(4);
  });

  it("keeps at most its entries and characters, least recently used going first", () => {
    const cache = new ChunkCache(2, 1 << 20);
    const one = cache.compile("return 1");
    cache.compile("return 2");
    cache.compile("return 1");
    cache.compile("return 3");
    expect(cache.size.entries).toBe(2);
    expect(cache.compile("return 1")).toBe(one);
    // Room for one of these chunks and a half: a second one drops the first.
    const small = new ChunkCache(8, (cache.size.chars / 2) * 1.5);
    small.compile("return 1");
    small.compile("return 2");
    expect(small.size.entries).toBe(1);
    const tiny = new ChunkCache(8, 10);
    const kept = tiny.compile("return 1");
    expect(tiny.size).toEqual({ entries: 0, chars: 0 });
    expect(tiny.compile("return 1")).not.toBe(kept);
  });

  it("lets no job of a shared chunk see another's globals", () => {
    const source = `counter = (counter or 0) + 1
function map(series, p)
  seen = (seen or 0) + 1
  if p.set then string.rep = nil end
  return { counter, seen, type(string.rep) }
end`;
    const a = compiledEngine.load({ source });
    const b = compiledEngine.load({ source });
    expect(a.map(SERIES, { set: true }, 1).value).toEqual([1, 1, "nil"]);
    expect(b.map(SERIES, {}, 1).value).toEqual([1, 1, "function"]);
    expect(a.map(SERIES, {}, 1).value).toEqual([1, 1, "function"]);
  });
});
