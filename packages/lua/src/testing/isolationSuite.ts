import { describe, expect, it } from "vitest";
import type { LuaEngine } from "../LuaEngine.ts";
import { luaErrorOf, mapBody, SERIES } from "./fixtures.ts";

/** Calls must not see each other: fresh environment, top level and libraries every time. */
export function isolationSuite(engine: LuaEngine): void {
  describe("isolation between calls", () => {
    it("reruns the top level: top-level locals and globals start fresh", () => {
      const job = engine.load({
        source: `
          local counter = 0
          total = 0
          function map(series, p)
            counter = counter + 1
            total = total + p.x
            return { counter = counter, total = total }
          end`,
      });
      const results = [1, 2, 3].map(() => job.map(SERIES, { x: 5 }, 1).value);
      expect(results).toEqual([1, 2, 3].map(() => ({ counter: 1, total: 5 })));
    });

    it("gives each call fresh library tables", () => {
      const job = engine.load({
        source: mapBody(`
          if p.clobber then
            math.floor, string.upper, table.insert, ts.mean = nil, nil, nil, nil
            coroutine.wrap, utf8.char = nil, nil
          end
          local t = {}
          table.insert(t, math.floor(2.5))
          return { t[1], string.upper("a"), ts.mean({ 1, 3 }), type(coroutine.wrap), utf8.char(65) }`),
      });
      expect(() => job.map(SERIES, { clobber: true }, 1)).toThrow();
      expect(job.map(SERIES, {}, 1).value).toEqual([2, "A", 2, "function", "A"]);
    });

    it("restores library fields that a call which succeeded overwrote, added or removed", () => {
      const job = engine.load({
        source: mapBody(`
          local seen = { math.pi, string.upper("a"), rawget(math, "extra") == nil, rawget(table, "remove") ~= nil,
            getmetatable(math) == nil }
          local names = {}
          for k in pairs(utf8) do names[#names + 1] = k end
          seen[#seen + 1] = table.concat(names, ",")
          if p.clobber then
            math.pi, string.upper, math.extra, table.remove = 3, string.lower, true, nil
            utf8.len = nil; utf8.len = print
            setmetatable(math, {})
          end
          return seen`),
      });
      const fresh = job.map(SERIES, {}, 1).value;
      job.map(SERIES, { clobber: true }, 1);
      expect(job.map(SERIES, {}, 1).value).toEqual(fresh);
    });

    it("drops metatables and fields set on the environment", () => {
      const job = engine.load({
        source: mapBody(`
          local before = rawget(_G, "leak")
          if p.first then
            leak = "x"
            setmetatable(_G, { __index = function(_, k) return "from metatable: " .. k end })
          end
          return { before == nil, getmetatable(_G) == nil or p.first }`),
      });
      job.map(SERIES, { first: true }, 1);
      expect(job.map(SERIES, {}, 1).value).toEqual([true, true]);
    });

    it("shows every call the environment a fresh job shows, whatever the last call did to it", () => {
      // Engines may reuse the last call's environment when it only gained globals: this checks
      // that whatever was reused looks fresh, order of iteration and object ids included.
      const job = () =>
        engine.load({
          source: mapBody(`
            local keys = {}
            for k in pairs(_G) do keys[#keys + 1] = k end
            for k in pairs(math) do keys[#keys + 1] = "math." .. k end
            local seen = { table.concat(keys, ","), tostring(_G), tostring(math), tostring({}), rawget(_G, "extra") == nil }
            if p.step == "add" then extra, more = 1, 2 end
            if p.step == "add and delete" then extra = 1; extra = nil; more = {} end
            if p.step == "same value" then local f = print; print = 1; print = f; math.pi = math.pi end
            if p.step == "delete and re-add" then local f = print; print = nil; print = f end
            if p.step == "library field" then math.extra = 1 end
            return seen`),
        });
      const fresh = job().map(SERIES, {}, 1).value;
      for (const step of ["add", "add and delete", "same value", "delete and re-add", "library field", "none"]) {
        const j = job();
        j.map(SERIES, { step }, 1);
        expect(j.map(SERIES, {}, 1).value, `after "${step}"`).toEqual(fresh);
        expect(j.map(SERIES, {}, 1).value, `twice after "${step}"`).toEqual(fresh);
      }
    });

    it("hands every call its own series and parameter tables", () => {
      const job = engine.load({
        source: mapBody(`
          local before = { series.close[1], p.n, rawget(series, "extra") }
          series.close[1] = 999
          series.extra = true
          p.n = 0
          return before`),
      });
      job.map(SERIES, { n: 3 }, 1);
      expect(job.map(SERIES, { n: 3 }, 1).value).toEqual([10, 3]);
    });

    it("gives identical results whatever ran before, object ids included", () => {
      const source = mapBody(`
        if p.noise then for i = 1, p.noise do local _ = { i } end end
        return { tostring({}), tostring(map), tostring(print) }`);
      const fresh = engine.load({ source }).map(SERIES, {}, 1).value;
      const job = engine.load({ source });
      job.map(SERIES, { noise: 1000 }, 1);
      expect(() => engine.load({ source: mapBody("error('x')") }).map(SERIES, {}, 1)).toThrow();
      expect(job.map(SERIES, {}, 1).value).toEqual(fresh);
    });

    it("still works after calls that failed", () => {
      const job = engine.load({
        source: mapBody(`
          if p.fail == "budget" then while true do end end
          if p.fail == "error" then error("boom") end
          if p.fail == "stack" then return setmetatable({}, { __index = function(t, k) return t[k] end }).x end
          return "ok"`),
        budget: 1e6,
      });
      for (const fail of ["budget", "error", "stack"]) {
        luaErrorOf(() => job.map(SERIES, { fail }, 1));
        expect(job.map(SERIES, {}, 1).value).toBe("ok");
      }
    });
  });

  describe("determinism", () => {
    const source = mapBody(`
      local out = { math.random(), math.random(10), math.random(-5, 5) }
      for i = 1, 20 do out[#out + 1] = math.random(1000) end
      return out`);

    it("draws the same random sequence for the same seed, and another for another seed", () => {
      const a = engine.load({ source }).map(SERIES, {}, 7).value;
      const job = engine.load({ source });
      expect(job.map(SERIES, {}, 7).value).toEqual(a);
      expect(job.map(SERIES, {}, 7).value).toEqual(a);
      expect(job.map(SERIES, {}, 8).value).not.toEqual(a);
    });

    it("follows Lua 5.3's math.random ranges and errors", () => {
      const { value } = engine.load({
        source: mapBody(`
          local ok = true
          for i = 1, 2000 do
            local f, a, b = math.random(), math.random(3), math.random(-2, 2)
            ok = ok and f >= 0 and f < 1 and math.type(f) == "float"
            ok = ok and a >= 1 and a <= 3 and math.type(a) == "integer" and b >= -2 and b <= 2
          end
          return { ok, math.random(5, 5), select(2, pcall(math.random, 0)), select(2, pcall(math.random, 3, 1)),
            select(2, pcall(math.random, 1, 2, 3)) }`),
      }).map(SERIES, {}, 1);
      expect(value).toEqual([
        true,
        5,
        expect.stringMatching(/interval is empty/),
        expect.stringMatching(/interval is empty/),
        expect.stringMatching(/wrong number of arguments/),
      ]);
    });

    it("restarts the sequence on math.randomseed", () => {
      const { value } = engine.load({
        source: mapBody(`
          math.randomseed(42) local a = { math.random(), math.random(100) }
          math.randomseed(42) local b = { math.random(), math.random(100) }
          return { a[1] == b[1] and a[2] == b[2], a[1] ~= math.random() }`),
      }).map(SERIES, {}, 1);
      expect(value).toEqual([true, true]);
    });

    it("iterates tables in insertion order and sorts ties the same way every time", () => {
      const source = mapBody(`
        local t = {}
        for i = 1, 300 do t[#t + 1] = { k = i % 3, id = i } end
        table.sort(t, function(a, b) return a.k < b.k end)
        local ids = {}
        for i = 1, #t do ids[i] = t[i].id end
        local keys = {}
        for k in pairs({ zeta = 1, alpha = 2, mid = 3 }) do keys[#keys + 1] = k end
        return { ids = ids, keys = keys }`);
      const a = engine.load({ source }).map(SERIES, {}, 1).value;
      expect(engine.load({ source }).map(SERIES, {}, 2).value).toEqual(a);
    });
  });
}
