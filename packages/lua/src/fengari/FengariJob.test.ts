import { describe, expect, it } from "vitest";
import type { LuaError } from "../LuaEngine.ts";
import { luaErrorOf, mapBody, runMap, SERIES } from "../testing/fixtures.ts";
import { fengariEngine } from "./FengariEngine.ts";
// After the engine, which loads fengari whole: lobject.js first would meet a half-loaded cycle.
import lobject from "fengari/src/lobject.js";

const run = (body: string, opts = {}) => runMap(fengariEngine, mapBody(body), {}, opts).value;

describe("fengari numbers", () => {
  it("has 32-bit integers and refuses results past them, while floats stay exact", () => {
    expect(run(`return { 2147483646 + 1, math.type(2^31), 1.6e12 + 1, series.time[1] + 1, 3e9 // 1 }`)).toEqual([
      2147483647,
      "float",
      1.6e12 + 1,
      (SERIES.time[0] as number) + 1,
      3e9,
    ]);
    for (const expr of ["2147483647 + 1", "math.maxinteger", "math.floor(1.6e12)"]) {
      expect(luaErrorOf(() => run(`return ${expr}`)).message).toMatch(/^job\.lua:2: .*does not fit fengari's 32-bit integers \(Lua 5\.4 has 64; use --engine wasmoon\)$/);
    }
  });
});

describe("fengari patches", () => {
  it("keeps string keys that fengari's own hash would confuse apart", () => {
    expect(run(`local t = {} t["\\1\\0"] = "a" t["\\16"] = "b" return { t["\\1\\0"], t["\\16"] }`)).toEqual(["a", "b"]);
    expect(run(`local t = { ["and"] = 1, ["\\255\\0"] = 2 } local n = 0 for k in pairs(t) do n = n + 1 end return n`)).toBe(2);
  });

  it("uses big strings as table keys without blowing up the heap", () => {
    expect(run(`local s = string.rep("k", 3e7) local t = { [s] = 1 } return t[s .. ""]`)).toBe(1);
  });

  it("checks strings built by __concat chains after the fact", () => {
    const e = luaErrorOf(() =>
      run(
        `local t = setmetatable({}, { __concat = function() return string.rep("x", 3e6) end })
         local s = string.rep("y", 3e6) return #(s .. t .. s)`,
        { maxStringBytes: 4 * 1024 * 1024 },
      ),
    );
    expect(e).toMatchObject({ kind: "memory", message: "job.lua:3: string too large (6000000 bytes > limit 4194304)" });
  });

  it("returns empty string.rep results without looping", () => {
    expect(run(`return { string.rep("", 2^31 - 1), ("x"):rep(0), string.rep("", 5, "") }`)).toEqual(["", "", ""]);
  });

  it("caps chunks given to load and charges their compiled code", () => {
    expect(luaErrorOf(() => run(`return load(string.rep(" ", 2^20 + 1))`))).toMatchObject({
      kind: "memory",
      message: "job.lua:2: load: chunk too large (1048577 bytes > limit 1048576)",
    });
    const e = luaErrorOf(() =>
      run(`local src = "return {" .. string.rep("1,", 4e5) .. "}" local keep = {} for i = 1, 100 do keep[i] = load(src) end`, {
        maxMemoryBytes: 256 * 1024 * 1024,
      }),
    );
    expect(e.kind).toBe("memory");
  });

  it("estimates the heap for collectgarbage('count')", () => {
    const [before, after] = run(`
      local a = collectgarbage("count")
      local t = {} for i = 1, 1e5 do t[i] = i end
      return { a, collectgarbage("count") }`) as [number, number];
    expect(after - before).toBeGreaterThan(10_000);
  });

  it("turns JavaScript exceptions inside fengari into uncatchable Lua errors and recovers", () => {
    const job = fengariEngine.load({
      source: mapBody(`if p.ok then return "ok" end pcall(tostring, 1.5) return "swallowed"`),
    });
    // fengari's own bugs that threw (sprintf-js on non-UTF-8 in string.format) are gone; stand one in.
    const pushvfstring = lobject.luaO_pushvfstring;
    lobject.luaO_pushvfstring = () => {
      throw new RangeError("a fengari bug");
    };
    let e: LuaError;
    try {
      e = luaErrorOf(() => job.map(SERIES, {}, 1));
    } finally {
      lobject.luaO_pushvfstring = pushvfstring;
    }
    expect(e.kind).toBe("runtime");
    expect(e.message).toMatch(/internal error in the Lua engine \(RangeError: /);
    expect(job.map(SERIES, { ok: true }, 1).value).toBe("ok");
  });
});

describe("fengari table library", () => {
  it("behaves like Lua 5.3's", () => {
    expect(
      run(`
        local t = { 1, 2, 3 }
        table.insert(t, 4) table.insert(t, 1, 0)
        local removed = table.remove(t, 2)
        local packed = table.pack("a", nil, "c")
        local moved = table.move({ 1, 2, 3 }, 1, 3, 2)
        table.sort(t, function(a, b) return a > b end)
        return { t, removed, packed.n, table.concat({ 1, "b", 3.5 }, "-"), table.concat({}, ","),
          { table.unpack({ 1, 2, 3 }, 2) }, moved }`),
    ).toEqual([[4, 3, 2, 0], 1, 3, "1-b-3.5", "", [2, 3], [1, 1, 2, 3]]);
  });

  it("keeps Lua's errors", () => {
    expect(luaErrorOf(() => run(`table.insert({}, 5, 1)`)).message).toMatch(/bad argument #2 to 'insert' \(position out of bounds\)/);
    expect(luaErrorOf(() => run(`table.concat({ 1, {} })`)).message).toMatch(/invalid value \(table\) at index 2 in table for 'concat'/);
    expect(luaErrorOf(() => run(`table.sort({ 3, 1, 2, 5, 4 }, function() return true end)`)).message).toMatch(
      /invalid order function for sorting/,
    );
    expect(luaErrorOf(() => run(`return table.unpack({}, 1, 1e7)`)).message).toMatch(/too many results to unpack/);
  });

  it("meters loops driven by metamethods", () => {
    const e = luaErrorOf(() =>
      run(`return table.concat(setmetatable({}, { __index = rawlen, __len = function() return 2^31 - 2 end }))`, {
        budget: 1e5,
      }),
    );
    expect(e.kind).toBe("budget");
  });
});
