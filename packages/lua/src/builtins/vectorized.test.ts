import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { compiledEngine } from "../compiled/CompiledEngine.ts";
import { fengariEngine } from "../fengari/FengariEngine.ts";
import type { LuaEngine } from "../LuaEngine.ts";
import { luaErrorOf, mapBody, SERIES } from "../testing/fixtures.ts";
import { findNativeLua } from "../testing/nativeLua.ts";
import { loadWasmoonEngine } from "../wasmoon/WasmoonEngine.ts";

// The element-wise `ts` builtins and the reductions a vectorized backtest needs, against the
// same operations written as plain Lua loops and run by native lua5.4: bit for bit wherever
// the operations are the same (element by element; ts.sum against an exact sum written in Lua,
// since ts sums exactly), and on all three engines alike, errors word for word.

const ENGINES: Array<[string, LuaEngine]> = [
  ["fengari", fengariEngine],
  ["wasmoon", await loadWasmoonEngine()],
  ["compiled", compiledEngine],
];

/** Two series of floats (random walks with zeros, negatives, NaN and repeats), built with float-only arithmetic so every engine and lua5.4 build the same bits. */
const DATA = `
local function walk(n, seed)
  local a, x, c = {}, seed, 0.5
  for i = 1, n do
    x = (x * 16807.0) % 2147483647.0
    c = c + (x / 2147483647.0 - 0.5) * 0.1
    a[i] = c
    if i % 97 == 0 then a[i] = 0/0 elseif i % 89 == 0 then a[i] = 0.0 elseif i % 7 == 0 then a[i] = a[i - 1] end
  end
  return a
end
local a, b = walk(3000, 1.0), walk(3000, 7.0)
local function show(v)
  if type(v) ~= "table" then
    if v ~= v then return "nan" end
    return string.format("%.17g", v) .. ":" .. math.type(v)
  end
  local parts = {}
  for i = 1, #v do parts[i] = show(v[i]) end
  return "{" .. table.concat(parts, " ") .. "}"
end
`;

/** Plain-Lua versions of the builtins, as native lua5.4 runs them. */
const PLAIN = `
local function map2(x, y, f)
  local r = {}
  for i = 1, #x do r[i] = f(x[i], type(y) == "table" and y[i] or y) end
  return r
end
local function add(x, y) return map2(x, y, function(u, v) return u + v end) end
local function sub(x, y) return map2(x, y, function(u, v) return u - v end) end
local function mul(x, y) return map2(x, y, function(u, v) return u * v end) end
local function div(x, y) return map2(x, y, function(u, v) return u / v end) end
local function gt(x, y) return map2(x, y, function(u, v) return u > v and 1.0 or 0.0 end) end
local function lt(x, y) return map2(x, y, function(u, v) return u < v and 1.0 or 0.0 end) end
local function ge(x, y) return map2(x, y, function(u, v) return u >= v and 1.0 or 0.0 end) end
local function le(x, y) return map2(x, y, function(u, v) return u <= v and 1.0 or 0.0 end) end
local function abs(x) return map2(x, 0, function(u) return math.abs(u) end) end
local function shift(x) local r = { 0/0 } for i = 2, #x do r[i] = x[i - 1] end return r end
local function pct_change(x) local r = { 0/0 } for i = 2, #x do r[i] = x[i] / x[i - 1] - 1 end return r end
local function slice(x, i, j)
  local n = #x
  j = j or -1
  if i < 0 then i = math.max(n + i + 1, 1) elseif i == 0 then i = 1 end
  if j < 0 then j = n + j + 1 elseif j > n then j = n end
  return table.move(x, i, j, 1, {})
end
local function count_changes(x) local n = 0 for i = 2, #x do if x[i] ~= x[i - 1] then n = n + 1 end end return n end
-- The exact sum of the non-NaN values, correctly rounded: Shewchuk's partials as Python's math.fsum keeps them.
local function sum(t)
  local partials = {}
  for k = 1, #t do
    local x = t[k]
    if x == x then
      local i = 0
      for j = 1, #partials do
        local y = partials[j]
        if math.abs(x) < math.abs(y) then x, y = y, x end
        local hi = x + y
        local lo = y - (hi - x)
        if lo ~= 0 then i = i + 1 partials[i] = lo end
        x = hi
      end
      for j = #partials, i + 1, -1 do partials[j] = nil end
      partials[i + 1] = x
    end
  end
  local n = #partials
  if n == 0 then return 0.0 end
  local hi, lo = partials[n], 0.0
  n = n - 1
  while n > 0 do
    local x, y = hi, partials[n]
    n = n - 1
    hi = x + y
    lo = y - (hi - x)
    if lo ~= 0 then break end
  end
  if n > 0 and ((lo < 0 and partials[n] < 0) or (lo > 0 and partials[n] > 0)) then
    local y = lo * 2
    local x = hi + y
    if y == x - hi then hi = x end
  end
  return hi
end
local function count(t) local n = 0 for i = 1, #t do if t[i] == t[i] then n = n + 1 end end return n end
local function mean(t) return sum(t) / count(t) end
-- Two-pass sample std: not ts's order of operations, so compared within a bound, not bit for bit.
local function std(t)
  local m, s = mean(t), 0.0
  for i = 1, #t do if t[i] == t[i] then s = s + (t[i] - m) ^ 2 end end
  return math.sqrt(s / (count(t) - 1))
end
`;

/** Expressions over a and b, each meaning the same with `ts.` in front of its calls as with the plain functions. */
const EXPRS = [
  "add(a, b)", "sub(a, b)", "mul(a, b)", "div(a, b)", "add(a, 2.5)", "sub(a, -0.0)", "mul(a, 0.0)", "div(a, 0.0)",
  "gt(a, b)", "lt(a, b)", "ge(a, b)", "le(a, b)", "gt(a, 0.5)", "le(a, 0.0)", "abs(a)", "abs(sub(a, b))",
  "count_changes(a)", "count_changes(gt(a, b))", "sum(a)", "sum(mul(a, b))", "mean(a)", "mean(abs(b))",
  // a backtest's signal, returns held from the bar before, trades: views fed back in at every step
  "mul(shift(gt(a, b)), pct_change(add(abs(a), 1.0)))", "count_changes(gt(add(a, 0.0), mul(b, 1.0)))",
  "sum(mul(shift(gt(a, b)), pct_change(add(abs(a), 1.0))))",
  "slice(a, 100, 200)", "slice(b, -50)", "slice(a, 0, -2999)", "slice(a, 5, 4)", "sum(slice(gt(a, b), 1000))",
];
const withTs = (expr: string) => expr.replace(/\b([a-z_]+)\(/g, "ts.$1(");

function native(script: string): string[] {
  const run = spawnSync(findNativeLua(), ["-"], { input: script, encoding: "utf8", maxBuffer: 64 << 20 });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trimEnd().split("\n");
}

function onEngine(engine: LuaEngine, body: string): unknown {
  return engine.load({ source: mapBody(body), maxResultBytes: 64 << 20 }).map(SERIES, {}, 1).value;
}

describe("element-wise ts builtins", () => {
  it.each(ENGINES)("give native lua5.4's results of the same loops bit for bit on %s", (_name, engine) => {
    const expected = native(`${DATA}${PLAIN}\n${EXPRS.map((e) => `print(show(${e}))`).join("\n")}`);
    expect(expected).toHaveLength(EXPRS.length);
    expect(onEngine(engine, `${DATA}\nreturn { ${EXPRS.map((e) => `show(${withTs(e)})`).join(", ")} }`)).toEqual(expected);
  });

  it.each(ENGINES)("give a std within 1e-13 of native lua5.4's two-pass one on %s", (_name, engine) => {
    const exprs = ["std(a)", "std(mul(a, b))", "std(mul(shift(gt(a, b)), pct_change(add(abs(a), 1.0))))"];
    const want = native(`${DATA}${PLAIN}\n${exprs.map((e) => `print(string.format("%.17g", ${e}))`).join("\n")}`).map(Number);
    const got = onEngine(engine, `${DATA}\nreturn { ${exprs.map(withTs).join(", ")} }`) as number[];
    got.forEach((x, i) => expect(Math.abs(x - (want[i] as number)) / (want[i] as number), exprs[i]).toBeLessThan(1e-13));
  });

  const HOSTILE: Array<[string, string]> = [
    ["ts.add({ 1, 2 }, { 1 })", "ts.add: lengths differ (2 and 1)"],
    ["ts.gt(ts.cumsum({ 1, 2, 3 }), ts.diff({ 1, 2 }))", "ts.gt: lengths differ (3 and 2)"],
    ["ts.mul({ 1, 'a' }, 2)", "ts.mul: element 2 of argument #1 is not a number (got string)"],
    ["ts.div({ 1 }, '2')", "ts.div: argument #2 must be an array of numbers or a quant vector (got string)"],
    ["ts.le({ 1, 2 }, { 1, true })", "ts.le: element 2 of argument #2 is not a number (got boolean)"],
    ["ts.sub(2, { 1 })", "ts.sub: argument #1 must be an array of numbers or a quant vector (got number)"],
    ["ts.abs()", "ts.abs: argument #1 must be an array of numbers or a quant vector (got no value)"],
    ["ts.count_changes({ 1, nil, 3 })", "ts.count_changes: element 2 of argument #1 is not a number (got nil)"],
    ["ts.count_changes({ x = 1 })", ""],
  ];
  it.each(ENGINES)("refuse mismatched lengths and non-numbers with the same messages on %s", (_name, engine) => {
    const got = onEngine(engine, `return { ${HOSTILE.map(([e]) => `select(2, pcall(function() return ${e} end))`).join(", ")} }`) as unknown[];
    // A table with no array part is an empty array: no changes.
    expect(got).toEqual(HOSTILE.map(([, message]) => (message === "" ? 0 : `job.lua:2: ${message}`)));
  });

  it.each(ENGINES)("stop a job whose ts results outgrow the memory limit on %s", (_name, engine) => {
    const body = "local a = {} for i = 1, 10000 do a[i] = i end local keep = {} for i = 1, 1000 do keep[i] = ts.add(a, i) end return #keep";
    const error = luaErrorOf(() => engine.load({ source: mapBody(body), maxMemoryBytes: 32 << 20 }).map(SERIES, {}, 1));
    expect(error.kind).toBe("memory");
  });

  // 40 rounds of two 1.2 MB results, each dropped at once: 96 MB made, what the job holds stays
  // under the limit. On compiled the dead array buffers can pile up past the limit before V8
  // collects them by its own limits, so this needs the full collection its heap guard forces.
  it.each(ENGINES)("let a job make more ts results than the memory limit when it keeps few on %s", (_name, engine) => {
    const body = `local t = {} for i = 1, 150000 do t[i] = i end local a = ts.add(t, 0) t = nil
      local s = 0 for i = 1, 40 do local v = ts.mul(ts.add(a, i), 2) s = s + v[#v] end return s`;
    const got = engine.load({ source: mapBody(body), maxMemoryBytes: 32 << 20 }).map(SERIES, {}, 1).value;
    expect(got).toBe(2 * (150000 * 40 + (40 * 41) / 2));
  });

  it.each(ENGINES)("return counts as Lua integers and arrays as read-only views on %s", (_name, engine) => {
    const got = onEngine(engine, `local v = ts.add({ 1, 2 }, 1) local ok = pcall(function() v[1] = 0 end)
      return { math.type(ts.count_changes({ 1, 2 })), math.type(v[1]), getmetatable(v), ok }`);
    expect(got).toEqual(["integer", "float", "ts result", false]);
  });
});
