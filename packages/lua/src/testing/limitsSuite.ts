import { describe, expect, it } from "vitest";
import type { LuaEngine } from "../LuaEngine.ts";
import { luaErrorOf, mapBody, SERIES } from "./fixtures.ts";

export const RECURSION: readonly { name: string; code: string }[] = [
  { name: "Lua recursion", code: "local function f() return 1 + f() end return f()" },
  { name: "__index recursion", code: "return setmetatable({}, { __index = function(t, k) return t[k] end }).x" },
  { name: "string.gsub callbacks", code: "local function g(s) return (s:gsub('.', g)) end return g('abc')" },
  { name: "table.sort comparators", code: "local function c(a, b) table.sort({ 3, 2, 1 }, c) return a < b end table.sort({ 3, 2, 1 }, c)" },
  { name: "coroutine nesting", code: "local function f() coroutine.wrap(f)() end f()" },
  { name: "__tostring recursion", code: "return tostring(setmetatable({}, { __tostring = function(t) return tostring(t) end }))" },
  { name: "__concat recursion", code: "local t = setmetatable({}, { __concat = function(a, b) return a .. b end }) return t .. 'x'" },
];

export const ALLOCATIONS: readonly { name: string; code: string; error: RegExp }[] = [
  { name: 'string.rep("x", 1e10)', code: `return string.rep("x", 1e10)`, error: /too large/ },
  { name: 'string.rep("x", 1e8, ",")', code: `return string.rep("x", 1e8, ",")`, error: /too large/ },
  { name: '("x"):rep(2^31)', code: `return ("x"):rep(2^31)`, error: /too large/ },
  { name: "doubling s = s .. s", code: `local s = "x" while true do s = s .. s end`, error: /string too large/ },
  {
    name: "table.concat of a huge list",
    code: `local t, s = {}, string.rep("x", 2^20) for i = 1, 100 do t[i] = s end return table.concat(t)`,
    error: /table.concat result too large/,
  },
  { name: "string.gsub growing a string", code: `local s = string.rep("x", 2^16) return (s:gsub("x", s))`, error: /string too large/ },
  { name: "string.format of huge strings", code: `local s = string.rep("x", 2^21) return string.format("%s%s%s", s, s, s)`, error: /string too large/ },
  { name: "string.pack padding", code: `return string.pack("c2000000000", "x")`, error: /string too large/ },
  { name: "a huge table", code: `local t = {} for i = 1, 1e9 do t[i] = i end`, error: /not enough memory/ },
  { name: "a chain of closures", code: `local prev for i = 1, 1e9 do local p = prev prev = function() return p end end`, error: /not enough memory/ },
  { name: "tables of strings", code: `local t, s = {}, string.rep("y", 1000) for i = 1, 1e9 do t[i] = s .. i end`, error: /not enough memory/ },
];

/** Budget, recursion and memory limits: each ends in a LuaError, and the job keeps working. */
export function limitsSuite(engine: LuaEngine): void {
  describe("instruction budget", () => {
    it("stops a runaway loop", () => {
      const e = luaErrorOf(() => engine.load({ source: mapBody("while true do end"), budget: 1e5 }).map(SERIES, {}, 1));
      expect(e.kind).toBe("budget");
      expect(e.message).toMatch(/^job\.lua:2: instruction budget exceeded \(100000 instructions\)$/);
      expect(e.line).toBe(2);
    });

    it("cannot be swallowed by pcall", () => {
      const job = engine.load({
        source: mapBody(`
          for i = 1, 100 do pcall(function() while true do end end) end
          local ok = pcall(error, "x")
          return "escaped"`),
        budget: 1e5,
      });
      expect(luaErrorOf(() => job.map(SERIES, {}, 1)).kind).toBe("budget");
    });

    it.each([
      ["a coroutine", "coroutine.wrap(function() while true do end end)()"],
      ["an xpcall handler", "xpcall(error, function() while true do end end)"],
      ["a metamethod", "local t = setmetatable({}, { __index = function() while true do end end }) return t.x"],
      ["a table.sort comparator", "table.sort({ 3, 2, 1 }, function() while true do end end)"],
    ])("stops loops inside %s", (_name, code) => {
      const e = luaErrorOf(() => engine.load({ source: mapBody(code), budget: 1e5 }).map(SERIES, {}, 1));
      expect(e.kind).toBe("budget");
    });

    it("stops a loop building strings in library functions", () => {
      const job = engine.load({ source: mapBody(`local n = 0\nfor i = 1, 1e9 do n = n + #string.rep("x", 1e6) end\nreturn n`), budget: 1e7 });
      expect(luaErrorOf(() => job.map(SERIES, {}, 1))).toMatchObject({
        kind: "budget",
        message: "job.lua:3: instruction budget exceeded (10000000 instructions)",
        line: 3,
      });
    });

    it("counts instructions used", () => {
      const job = engine.load({ source: mapBody("local x = 0 for i = 1, p.n do x = x + 1 end return x") });
      const small = job.map(SERIES, { n: 1000 }, 1).instructions;
      const large = job.map(SERIES, { n: 100_000 }, 1).instructions;
      expect(small).toBeGreaterThan(1000);
      expect(large).toBeGreaterThan(200_000);
      expect(large).toBeLessThan(500_000);
      expect(job.map(SERIES, { n: 1000 }, 1).instructions).toBe(small);
    });

    it("charges bulk work in library functions", () => {
      const job = engine.load({ source: mapBody("local t = {} t[p.n] = 1 table.move(t, 1, p.n, 2) return 1"), budget: 1e6 });
      expect(job.map(SERIES, { n: 1000 }, 1).value).toBe(1);
      expect(luaErrorOf(() => job.map(SERIES, { n: 2e6 }, 1)).kind).toBe("budget");
    });
  });

  describe("replicas", () => {
    it.each([
      { name: "the budget", code: `local s = "" for i = 1, 1e9 do s = string.rep("ab", i % 1000) .. i end`, opts: { budget: 1e6 } },
      { name: "memory", code: `local t = {} for i = 1, 1e9 do t[i] = { i } end`, opts: { maxMemoryBytes: 16 * 1024 * 1024 } },
    ])("fail the same way when $name runs out", ({ code, opts }) => {
      const run = () => luaErrorOf(() => engine.load({ source: mapBody(code), ...opts }).map(SERIES, {}, 1));
      const [first, second] = [run(), run()];
      expect(first.kind).toBe(opts.budget === undefined ? "memory" : "budget");
      expect({ kind: second.kind, message: second.message, line: second.line }).toEqual({ kind: first.kind, message: first.message, line: 2 });
    });
  });

  describe("recursion", () => {
    it.each(RECURSION)("ends $name in a stack overflow error", ({ code }) => {
      const job = engine.load({ source: mapBody(`if p.ok then return "ok" end ${code}`) });
      const e = luaErrorOf(() => job.map(SERIES, {}, 1));
      expect(e.kind).toBe("runtime");
      expect(e.message).toMatch(/stack overflow/);
      expect(job.map(SERIES, { ok: true }, 1).value).toBe("ok");
    });
  });

  describe("memory", () => {
    it.each(ALLOCATIONS)("ends $name in a memory error", ({ code, error }) => {
      const job = engine.load({
        source: mapBody(`if p.ok then return "ok" end ${code}`),
        maxMemoryBytes: 64 * 1024 * 1024,
        maxStringBytes: 4 * 1024 * 1024,
      });
      const e = luaErrorOf(() => job.map(SERIES, {}, 1));
      expect(e.kind).toBe("memory");
      expect(e.message).toMatch(error);
      expect(job.map(SERIES, { ok: true }, 1).value).toBe("ok");
    });

    it("lets pcall catch an oversized string, which allocates nothing", () => {
      const { value } = engine
        .load({ source: mapBody(`local ok, err = pcall(string.rep, "x", 1e9) return { ok, err }`) })
        .map(SERIES, {}, 1);
      expect(value).toEqual([false, expect.stringMatching(/string.rep result too large \(1000000000 bytes > limit 67108864\)/)]);
    });

    it("does not let pcall swallow running out of memory", () => {
      const job = engine.load({
        source: mapBody(`local keep = {} pcall(function() for i = 1, 1e9 do keep[i] = i end end) return #keep`),
        maxMemoryBytes: 32 * 1024 * 1024,
      });
      expect(luaErrorOf(() => job.map(SERIES, {}, 1)).kind).toBe("memory");
    });

    it("honours maxStringBytes", () => {
      const job = engine.load({ source: mapBody(`return #string.rep("x", p.n)`), maxStringBytes: 1000 });
      expect(job.map(SERIES, { n: 1000 }, 1).value).toBe(1000);
      expect(luaErrorOf(() => job.map(SERIES, { n: 1001 }, 1))).toMatchObject({
        kind: "memory",
        message: "job.lua:2: string.rep result too large (1001 bytes > limit 1000)",
      });
    });
  });
}
