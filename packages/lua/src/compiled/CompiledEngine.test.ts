import { describe, expect, it } from "vitest";
import { ESCAPE_ATTEMPTS } from "../testing/sandboxSuite.ts";
import { BAD_RESULTS, RESULTS } from "../testing/conversionSuite.ts";
import { ALLOCATIONS, RECURSION } from "../testing/limitsSuite.ts";
import { luaErrorOf, mapBody, runMap, SERIES } from "../testing/fixtures.ts";
import { compiledEngine as engine } from "./CompiledEngine.ts";

// The shared engine suites (testing/) on the compiled engine. Where it refuses a construct
// (string patterns, coroutines, load, utf8, collectgarbage, quant, string.pack/dump), the case
// asserts that refusal — a syntax error at load naming the line and the construct — never skips.

/** A load refused at compile time, naming the construct. */
function expectRefused(source: string, construct: RegExp): void {
  const e = luaErrorOf(() => engine.load({ source }));
  expect(e.kind).toBe("syntax");
  expect(e.message).toMatch(/^job\.lua:\d+: .* is not supported by the compiled engine/);
  expect(e.message).toMatch(construct);
  expect(e.line).toBeGreaterThan(0);
  const checked = engine.check(source);
  expect(checked.ok).toBe(false);
}

/** Escape attempts the compiled engine refuses before running anything, with the construct named. */
const REFUSED_ESCAPES: Readonly<Record<string, RegExp>> = {
  require: /require \(require\)/,
  dofile: /dofile \(dofile\)/,
  "string.dump": /string\.dump/,
  "load a binary chunk": /load \(load\)/,
  "load a binary chunk from a reader": /load \(load\)/,
  "load with mode 'b'": /load \(load\)/,
  "load reaches the real globals": /load \(load\)/,
  "load with an env reaches os": /load \(load\)/,
  "_ENV alias": /_ENV is not supported/,
  "collectgarbage stop": /collectgarbage/,
  "collectgarbage setpause": /collectgarbage/,
  "os from a coroutine": /coroutine \(coroutines\)/,
  "loadstring (5.1)": /loadstring \(load\)/,
};

describe("compiled engine: the sandbox escape suite", () => {
  it.each(ESCAPE_ATTEMPTS)("refuses $name", ({ name, code, error }) => {
    const refused = REFUSED_ESCAPES[name];
    if (refused !== undefined) return expectRefused(mapBody(code), refused);
    const e = luaErrorOf(() => runMap(engine, mapBody(code)));
    expect(e.kind).toBe("runtime");
    expect(e.message).toMatch(error);
  });

  it("names every refused escape that exists in the suite", () => {
    const names = new Set(ESCAPE_ATTEMPTS.map((a) => a.name));
    for (const name of Object.keys(REFUSED_ESCAPES)) expect(names).toContain(name);
  });

  it("exposes exactly its documented globals", () => {
    const { value } = runMap(engine, mapBody(`local names = {} for k in pairs(_G) do names[#names + 1] = k end table.sort(names) return names`));
    expect(value).toEqual(
      ["_G", "_VERSION", "assert", "error", "getmetatable", "ipairs", "map", "math", "next", "pairs", "pcall", "print", "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable", "string", "table", "tonumber", "tostring", "ts", "type", "xpcall"].sort(),
    );
  });

  it("reaches no JavaScript global, prototype or constructor through Lua names", () => {
    const { value } = runMap(
      engine,
      mapBody(`local t = {} return { type(globalThis), type(process), type(Function), type(t.constructor), type(t.__proto__),
        type(("").constructor), type(string.constructor), type(_G.constructor), type(rawget(_G, "__proto__")) }`),
    );
    expect(value).toEqual(Array(9).fill("nil"));
  });

  it("locks the string metatable but keeps string methods", () => {
    const { value } = runMap(engine, mapBody(`return { ("abc"):upper(), ("x"):rep(3, ",") }`));
    expect(value).toEqual(["ABC", "x,x,x"]);
  });

  it("refuses quant, utf8, coroutines and string patterns at load, naming the line", () => {
    expectRefused(mapBody(`local v = quant.sma(series.close, 3)`), /job\.lua:2: quant \(the quant library\)/);
    expectRefused(mapBody(`return utf8.char(72)`), /utf8 \(the utf8 library\)/);
    expectRefused(mapBody(`local x = 1\nreturn coroutine.wrap(function() end)`), /job\.lua:3: coroutine \(coroutines\)/);
    expectRefused(mapBody(`return ("a"):gsub("a", "b")`), /job\.lua:2: method 'gsub' \(string patterns/);
  });
});

describe("compiled engine: results and arguments", () => {
  it.each(RESULTS)("converts $lua", ({ lua, json }) => {
    expect(runMap(engine, mapBody(`return ${lua}`)).value).toEqual(json);
  });

  it.each(BAD_RESULTS)("rejects $name", ({ name, lua, error }) => {
    if (name === "a coroutine") return expectRefused(mapBody(`return ${lua}`), /coroutine \(coroutines\)/);
    const e = luaErrorOf(() => runMap(engine, mapBody(`return ${lua}`)));
    expect(e.kind).toBe("result");
    expect(e.message).toBe(error);
  });

  it("passes parameters: 32-bit integers as integers, other numbers as floats, nested values", () => {
    const { value } = runMap(
      engine,
      mapBody(`return { math.type(p.i), math.type(p.f), math.type(p.big), p.big == 3e9, p.s, p.b, p.nested.list[2], #p.nested.list, p.none == nil }`),
      { i: 7, f: 0.5, big: 3e9, s: "txt", b: false, nested: { list: [1, "two"] }, none: null },
    );
    expect(value).toEqual(["integer", "float", "float", true, "txt", false, "two", 2, true]);
  });

  it("passes reduce values with null as nil, # counting to the last element", () => {
    const job = engine.load({ source: `function map() end function reduce(values) return { #values, values[1].k, values[2][2], values[3] == nil, values[4] } end` });
    expect(job.reduce([{ k: "v" }, [1, 2], null, "last"], 1).value).toEqual([4, "v", 2, true, "last"]);
  });

  it("gives map the series with key, first, float time and lazily built columns", () => {
    const { value } = runMap(
      engine,
      mapBody(`local before = 0 for _ in pairs(series) do before = before + 1 end
        return { series.key, series.first, #series.close, math.type(series.close[1]), series.time[1], series.nope == nil, before }`),
    );
    expect(value).toEqual(["AAPL", 2, 5, "float", 1.6e12, true, 2]);
  });

  it("keeps UTF-8 strings whole both ways and refuses invalid UTF-8 in results", () => {
    expect(runMap(engine, mapBody(`return { p.s, #p.s }`), { s: "é€😀" }).value).toEqual(["é€😀", 9]);
    expect(luaErrorOf(() => runMap(engine, mapBody(`return "\\255"`))).kind).toBe("result");
  });
});

describe("compiled engine: errors", () => {
  it("reports runtime errors as Lua words them, with line and a traceback naming map", () => {
    const e = luaErrorOf(() => runMap(engine, `local function helper(x)\n  return x.field\nend\nfunction map(series, p)\n  local v = helper(nil)\n  return v\nend`));
    expect(e).toMatchObject({ kind: "runtime", message: "job.lua:2: attempt to index a nil value (local 'x')", line: 2 });
    expect(e.traceback).toMatch(/^stack traceback:/);
    expect(e.traceback).toMatch(/job\.lua:2: in (local|upvalue) 'helper'/);
    expect(e.traceback).toMatch(/job\.lua:5: in function 'map'/);
  });

  it("keeps error() messages, levels and non-string values", () => {
    expect(luaErrorOf(() => runMap(engine, mapBody(`  error("boom")`))).message).toBe("job.lua:2: boom");
    expect(luaErrorOf(() => runMap(engine, mapBody(`  error("boom", 0)`))).message).toBe("boom");
    expect(luaErrorOf(() => runMap(engine, mapBody(`  error({ code = 1 })`))).message).toBe("job.lua: error object is a table value");
    expect(luaErrorOf(() => runMap(engine, mapBody(`  error()`))).message).toBe("job.lua: error object is a nil value");
    expect(luaErrorOf(() => runMap(engine, mapBody(`  error("x")`), {}, { chunkName: "sweep.lua" }))).toMatchObject({ message: "sweep.lua:2: x", line: 2 });
  });

  it("fails load on errors in the top level, requires map and reports a missing reduce", () => {
    expect(luaErrorOf(() => engine.load({ source: `local x = 1\nerror("top " .. x)\nfunction map() end` }))).toMatchObject({ kind: "runtime", message: "job.lua:2: top 1", line: 2 });
    expect(luaErrorOf(() => engine.load({ source: "x = 1" })).message).toBe("job.lua must define a global function map(series, p)");
    const job = engine.load({ source: "function map() return 1 end" });
    expect(job.hasReduce).toBe(false);
    expect(luaErrorOf(() => job.reduce([1], 1)).message).toBe("job.lua must define a global function reduce(values)");
  });

  it("returns the log with results and with errors, capped in bytes", () => {
    const job = engine.load({ source: mapBody(`print("a", 1, 2.5, nil, true) if p.fail then error("late") end for i = 1, p.n or 0 do print(string.rep("x", 10)) end return 1`), maxLogBytes: 30 });
    expect(job.map(SERIES, {}, 1).log).toEqual(["a\t1\t2.5\tnil\ttrue"]);
    expect(luaErrorOf(() => job.map(SERIES, { fail: true }, 1)).log).toEqual(["a\t1\t2.5\tnil\ttrue"]);
    expect(job.map(SERIES, { n: 5 }, 1).log).toEqual(["a\t1\t2.5\tnil\ttrue", "xxxxxxxxxx", "... log truncated"]);
  });

  it("checks without running: ok for valid source, the line of a syntax error", () => {
    expect(engine.check("function map() return 1 end")).toEqual({ ok: true });
    const checked = engine.check("function map()\n  return = 1\nend");
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toMatchObject({ kind: "syntax", line: 2 });
  });
});

describe("compiled engine: limits", () => {
  it("stops a runaway loop with the other engines' budget error, which pcall cannot swallow", () => {
    for (const code of ["while true do end", "pcall(function() while true do end end) return 1"]) {
      expect(luaErrorOf(() => runMap(engine, mapBody(code), {}, { budget: 1e5 }))).toMatchObject({
        kind: "budget",
        message: "job.lua:2: instruction budget exceeded (100000 instructions)",
        line: 2,
      });
    }
  });

  it("charges string building and bulk library work to the budget", () => {
    const strings = engine.load({ source: mapBody(`local n = 0\nfor i = 1, 1e9 do n = n + #string.rep("x", 1e6) end\nreturn n`), budget: 1e7 });
    expect(luaErrorOf(() => strings.map(SERIES, {}, 1))).toMatchObject({ kind: "budget", line: 3 });
    const move = engine.load({ source: mapBody("local t = {} t[p.n] = 1 table.move(t, 1, p.n, 2) return 1"), budget: 1e6 });
    expect(move.map(SERIES, { n: 1000 }, 1).value).toBe(1);
    expect(luaErrorOf(() => move.map(SERIES, { n: 2e6 }, 1)).kind).toBe("budget");
  });

  it("counts back-edges and calls as instructions, the same on every run", () => {
    const job = engine.load({ source: mapBody("local x = 0 for i = 1, p.n do x = x + 1 end return x") });
    const small = job.map(SERIES, { n: 1000 }, 1).instructions;
    expect(small).toBeGreaterThanOrEqual(1000);
    expect(job.map(SERIES, { n: 100_000 }, 1).instructions).toBe(small + 99_000);
    expect(job.map(SERIES, { n: 1000 }, 1).instructions).toBe(small);
  });

  it.each(RECURSION)("ends $name in a stack overflow error, or refuses it", ({ name, code }) => {
    const source = mapBody(`if p.ok then return "ok" end ${code}`);
    if (name === "string.gsub callbacks") return expectRefused(source, /method 'gsub'/);
    if (name === "coroutine nesting") return expectRefused(source, /coroutine \(coroutines\)/);
    const job = engine.load({ source });
    expect(luaErrorOf(() => job.map(SERIES, {}, 1))).toMatchObject({ kind: "runtime", message: expect.stringMatching(/stack overflow/) });
    expect(job.map(SERIES, { ok: true }, 1).value).toBe("ok");
  });

  it.each(ALLOCATIONS)("ends $name in a memory error, or refuses it", ({ name, code, error }) => {
    const source = mapBody(`if p.ok then return "ok" end ${code}`);
    if (name === "string.gsub growing a string") return expectRefused(source, /method 'gsub'/);
    if (name === "string.pack padding") return expectRefused(source, /string\.pack/);
    const job = engine.load({ source, maxMemoryBytes: 64 * 1024 * 1024, maxStringBytes: 4 * 1024 * 1024 });
    const e = luaErrorOf(() => job.map(SERIES, {}, 1));
    expect(e.kind).toBe("memory");
    expect(e.message).toMatch(error);
    expect(job.map(SERIES, { ok: true }, 1).value).toBe("ok");
  });

  it("lets pcall catch an oversized string and honours maxStringBytes", () => {
    expect(runMap(engine, mapBody(`local ok, err = pcall(string.rep, "x", 1e9) return { ok, err }`)).value).toEqual([
      false,
      "string.rep result too large (1000000000 bytes > limit 67108864)",
    ]);
    const job = engine.load({ source: mapBody(`return #string.rep("x", p.n)`), maxStringBytes: 1000 });
    expect(job.map(SERIES, { n: 1000 }, 1).value).toBe(1000);
    expect(luaErrorOf(() => job.map(SERIES, { n: 1001 }, 1))).toMatchObject({ kind: "memory", message: "job.lua:2: string.rep result too large (1001 bytes > limit 1000)" });
  });

  it("does not let pcall swallow running out of memory", () => {
    const job = engine.load({ source: mapBody(`local keep = {} pcall(function() for i = 1, 1e9 do keep[i] = i end end) return #keep`), maxMemoryBytes: 32 * 1024 * 1024 });
    expect(luaErrorOf(() => job.map(SERIES, {}, 1)).kind).toBe("memory");
  });
});

describe("compiled engine: isolation between calls", () => {
  it("gives each call fresh globals and the same object ids whatever ran before", () => {
    const job = engine.load({ source: mapBody(`if p.dirty then string.upper = nil; math.pi = 3; leaked = 1 end
      for i = 1, p.n or 0 do local _ = {} end
      return { tostring({}), tostring(function() end), type(string.upper), math.pi, leaked == nil }`) });
    const first = job.map(SERIES, {}, 1).value;
    job.map(SERIES, { dirty: true, n: 100 }, 1);
    expect(job.map(SERIES, {}, 1).value).toEqual(first);
    expect((first as unknown[]).slice(2)).toEqual(["function", Math.PI, true]);
  });

  it("draws math.random from the call's seed, the same on every run", () => {
    const job = engine.load({ source: mapBody(`return { math.random(1, 100), math.random(1, 100), math.random() }`) });
    expect(job.map(SERIES, {}, 7).value).toEqual(job.map(SERIES, {}, 7).value);
    expect(job.map(SERIES, {}, 7).value).not.toEqual(job.map(SERIES, {}, 8).value);
  });
});
