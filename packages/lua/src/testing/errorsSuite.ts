import { describe, expect, it } from "vitest";
import type { LuaEngine } from "../LuaEngine.ts";
import { luaErrorOf, mapBody, runMap, SERIES } from "./fixtures.ts";

/** Errors read like Lua's, with lines, tracebacks and the log printed before them. */
export function errorsSuite(engine: LuaEngine): void {
  describe("errors", () => {
    it("reports runtime errors exactly as Lua words them, with line and traceback", () => {
      const e = luaErrorOf(() =>
        runMap(engine, `local function helper(x)\n  return x.field\nend\nfunction map(series, p)\n  local v = helper(nil)\n  return v\nend`),
      );
      expect(e.kind).toBe("runtime");
      expect(e.message).toBe("job.lua:2: attempt to index a nil value (local 'x')");
      expect(e.line).toBe(2);
      expect(e.traceback).toMatch(/^stack traceback:/);
      expect(e.traceback).toMatch(/job\.lua:2: in /);
      expect(e.traceback).toMatch(/job\.lua:5: in function 'map'/);
    });

    it("keeps error() messages and levels", () => {
      expect(luaErrorOf(() => runMap(engine, mapBody(`  error("boom")`))).message).toBe("job.lua:2: boom");
      expect(luaErrorOf(() => runMap(engine, mapBody(`  error("boom", 0)`))).message).toBe("boom");
      expect(luaErrorOf(() => runMap(engine, mapBody(`  error("C stack overflow", 0)`))).message).toBe("C stack overflow");
      expect(luaErrorOf(() => runMap(engine, mapBody(`  foo()`))).message).toBe(
        "job.lua:2: attempt to call a nil value (global 'foo')",
      );
    });

    it("describes non-string error values", () => {
      expect(luaErrorOf(() => runMap(engine, mapBody(`  error({ code = 1 })`))).message).toBe(
        "job.lua: error object is a table value",
      );
      expect(luaErrorOf(() => runMap(engine, mapBody(`  error()`))).message).toBe("job.lua: error object is a nil value");
      expect(luaErrorOf(() => runMap(engine, mapBody(`  error(42, 0)`))).message).toBe("42");
    });

    it("uses the chunk name given", () => {
      const e = luaErrorOf(() => runMap(engine, mapBody(`  error("x")`), {}, { chunkName: "sweep.lua" }));
      expect(e.message).toBe("sweep.lua:2: x");
      expect(e.line).toBe(2);
    });

    it("fails load on errors in the top level", () => {
      const e = luaErrorOf(() => engine.load({ source: `local x = 1\nerror("top " .. x)\nfunction map() end` }));
      expect(e).toMatchObject({ kind: "runtime", message: "job.lua:2: top 1", line: 2 });
    });

    it("requires map and reports a missing reduce", () => {
      expect(luaErrorOf(() => engine.load({ source: "x = 1" })).message).toBe(
        "job.lua must define a global function map(series, p)",
      );
      const job = engine.load({ source: "function map() return 1 end" });
      expect(job.hasReduce).toBe(false);
      expect(luaErrorOf(() => job.reduce([1], 1)).message).toBe("job.lua must define a global function reduce(values)");
      expect(engine.load({ source: "function map() end function reduce(v) return #v end" }).hasReduce).toBe(true);
    });

    it("returns the log with results and with errors, capped in bytes", () => {
      const job = engine.load({
        source: mapBody(`
          print("start", 1, true, nil)
          for i = 1, p.n do print(string.rep("x", 10)) end
          if p.fail then error("after printing") end
          return 1`),
        maxLogBytes: 60,
      });
      expect(job.map(SERIES, { n: 1 }, 1).log).toEqual(["start\t1\ttrue\tnil", "xxxxxxxxxx"]);
      expect(job.map(SERIES, { n: 100 }, 1).log).toEqual([
        "start\t1\ttrue\tnil",
        ...Array(3).fill("xxxxxxxxxx"),
        "... log truncated",
      ]);
      expect(luaErrorOf(() => job.map(SERIES, { n: 0, fail: true }, 1)).log).toEqual(["start\t1\ttrue\tnil"]);
    });
  });

  describe("errors the engine raises", () => {
    const lines = (...body: string[]) => ["function map(series, p)", ...body, "end"].join("\n");
    it.each([
      {
        name: "the budget running out in an xpcall handler",
        source: lines("  local ok = xpcall(function()", "    error('first')", "  end, function(m)", "    while true do end", "  end)", "  return ok"),
        opts: { budget: 1e5 },
        kind: "budget",
        message: /^job\.lua:5: instruction budget exceeded \(100000 instructions\)$/,
      },
      {
        name: "running out of memory",
        source: lines("  local t = {}", "  for i = 1, 1e9 do t[i] = i end"),
        opts: { maxMemoryBytes: 32 * 1024 * 1024 },
        kind: "memory",
        message: /^job\.lua:3: not enough memory \(Lua heap about \d+ MiB > limit 32 MiB\)$/,
      },
      {
        name: "a string past maxStringBytes refused by the allocator",
        source: lines("  local pad = 'c' .. 2097152", "  return string.pack(pad, 'x')"),
        opts: { maxStringBytes: 1024 * 1024 },
        kind: "memory",
        message: /^job\.lua:3: string too large/,
      },
      {
        name: "a C stack overflow from gsub calling gsub",
        source: lines("  local function g(s)", "    return (s:gsub('.', g))", "  end", "  return g('abc')"),
        opts: {},
        kind: "runtime",
        message: /^job\.lua:3: (C|JS) stack overflow$/,
      },
      {
        name: "a C stack overflow from __tostring calling tostring",
        source: lines("  local t = setmetatable({}, {", "    __tostring = function(t) return tostring(t) end", "  })", "  return tostring(t)"),
        opts: {},
        kind: "runtime",
        message: /^job\.lua:3: (C|JS) stack overflow$/,
      },
      {
        name: "an error raised inside next",
        source: lines("  local t = {}", "  return next(t, 'absent')"),
        opts: {},
        kind: "runtime",
        message: /^job\.lua:3: invalid key to 'next'$/,
      },
      {
        name: "a comparison failing inside table.sort",
        source: lines("  local t = { 3, 'x', 1 }", "  table.sort(t)", "  return t"),
        opts: {},
        kind: "runtime",
        message: /^job\.lua:3: attempt to compare (number with string|string with number)$/,
      },
    ])("gives $name the line of the job code that was running", ({ source, opts, kind, message }) => {
      const e = luaErrorOf(() => engine.load({ source, ...opts }).map(SERIES, {}, 1));
      expect(e.kind).toBe(kind);
      expect(e.message).toMatch(message);
      expect(e.line).toBe(Number(/^job\.lua:(\d+):/.exec(e.message)?.[1]));
    });
  });

  describe("check", () => {
    it("accepts valid source without running it", () => {
      expect(engine.check("function map() error('not run') end")).toEqual({ ok: true });
    });

    it("reports syntax errors with line and Lua's message", () => {
      const result = engine.check("function map(series, p)\n  local x = \n  return = 1\nend");
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ kind: "syntax", line: 3, message: "job.lua:3: unexpected symbol near 'return'" });
      const named = engine.check("x = = 1", "a.lua");
      expect(!named.ok && named.error.message).toBe("a.lua:1: unexpected symbol near '='");
    });

    it("fails load with the same syntax error", () => {
      expect(luaErrorOf(() => engine.load({ source: "function map(" }))).toMatchObject({ kind: "syntax", line: 1 });
    });
  });
}
