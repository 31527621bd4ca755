import { spawnSync } from "node:child_process";
import type { Json } from "@shoal/protocol";
import { describe, expect, it } from "vitest";
import { fengariEngine } from "../fengari/FengariEngine.ts";
import type { LuaEngine } from "../LuaEngine.ts";
import { findNativeLua } from "../testing/nativeLua.ts";
import { luaErrorOf, mapBody, SERIES } from "../testing/fixtures.ts";
import { loadWasmoonEngine } from "../wasmoon/WasmoonEngine.ts";
import { VIEW_NAME, VIEW_READ_ONLY } from "./tsView.ts";

// `ts` results are read-only views (builtins/tsView.ts) on both engines: they read like arrays
// of floats, refuse every write, feed builtins without a copy, and convert to JSON as the
// tables they replace did.

const wasmoon = await loadWasmoonEngine();
const ENGINES: Array<[string, LuaEngine]> = [
  ["fengari", fengariEngine],
  ["wasmoon", wasmoon],
];

/** Runs `body` as one map call on SERIES and returns its value. */
function run(engine: LuaEngine, body: string, maxResultBytes?: number): Json {
  return engine.load({ source: mapBody(body), ...(maxResultBytes === undefined ? {} : { maxResultBytes }) }).map(SERIES, {}, 1).value;
}

/** The error message of `stmt` run under pcall with `v` a view of { 1, 3, 6.5 }. */
function refusal(engine: LuaEngine, stmt: string): Json {
  return run(engine, `local v = ts.cumsum({ 1, 2, 3.5 }) local ok, e = pcall(function() ${stmt} end) return { ok = ok, e = tostring(e), v = v }`);
}

describe.each(ENGINES)("ts results on %s", (_, engine) => {
  it("read like arrays of floats: elements, length, nil out of range", () => {
    const out = run(
      engine,
      `local v = ts.cumsum({ 1, 2, 3.5 })
      local show = {}
      for _, k in ipairs({ 1, 2, 3, 4, 0, -1, 1.0, 1.5, 2^53 }) do show[#show + 1] = tostring(v[k]) end
      return { table.concat(show, " "), #v, math.type(v[1]), tostring(v["1"]), tostring(v.x), type(v) }`,
    );
    expect(out).toEqual(["1.0 3.0 6.5 nil nil nil 1.0 nil nil", 3, "float", "nil", "nil", "table"]);
  });

  it("iterate with ipairs and the table library; pairs, next, rawget and rawlen see an empty table", () => {
    const out = run(
      engine,
      `local v = ts.cumsum({ 1, 2, 3.5 })
      local seen = {}
      for i, x in ipairs(v) do seen[#seen + 1] = i .. "=" .. x end
      local raw = 0
      for _ in pairs(v) do raw = raw + 1 end
      return { table.concat(seen, " "), table.concat(v, ","), select("#", table.unpack(v)), raw, tostring(next(v)), rawlen(v), tostring(rawget(v, 1)) }`,
    );
    expect(out).toEqual(["1=1.0 2=3.0 3=6.5", "1.0,3.0,6.5", 3, 0, "nil", 0, "nil"]);
  });

  it("refuse writes to an element, a new index and a field with the read-only message", () => {
    for (const stmt of ["v[1] = 5", "v[4] = 5", "v.x = 1", "table.insert(v, 1)", "table.sort(v, function(x, y) return x > y end)"]) {
      const out = refusal(engine, stmt) as { ok: boolean; e: string; v: Json };
      expect(out.ok, stmt).toBe(false);
      expect(out.e, stmt).toContain(VIEW_READ_ONLY);
      expect(out.v, stmt).toEqual([1, 3, 6.5]);
    }
    expect(luaErrorOf(() => run(engine, "local v = ts.cumsum({ 1 }) v[1] = 2")).message).toBe(`job.lua:2: ${VIEW_READ_ONLY}`);
  });

  it("refuse rawset and setmetatable, and hide their metatable", () => {
    for (const stmt of ["rawset(v, 1, 5)", "rawset(v, 'x', 5)", "setmetatable(v, {})", "setmetatable(v, nil)"]) {
      const out = refusal(engine, stmt) as { ok: boolean; e: string; v: Json };
      expect(out.ok, stmt).toBe(false);
      expect(out.e, stmt).toBe(`job.lua:2: ${VIEW_READ_ONLY}`);
      expect(out.v, stmt).toEqual([1, 3, 6.5]);
    }
    expect(run(engine, "return getmetatable(ts.cumsum({ 1 }))")).toBe(VIEW_NAME);
    expect(run(engine, "local t = {} rawset(t, 1, 5) return setmetatable(t, nil)")).toEqual([5]);
  });

  it("cannot be forged by a table with the same visible metatable", () => {
    const out = run(engine, `local fake = setmetatable({}, { __metatable = "ts result", __index = { 1, 2, 3 }, __len = function() return 3 end }) return { ts.sum(fake), #fake, fake }`);
    expect(out).toEqual([0, 3, []]);
  });

  it("feed back into ts and quant builtins with the same results as tables", () => {
    const out = run(
      engine,
      `local c = series.close
      local r = ts.returns(c)
      local viaView = { ts.sum(ts.cumsum(c)), ts.std(r), ts.rolling_mean(r, 2), ts.crossover(ts.rolling_mean(c, 2), c), quant.table(quant.sma(ts.cumsum(c), 2)) }
      local viaTable = { ts.sum(ts.copy(ts.cumsum(c))), ts.std(ts.copy(r)), ts.rolling_mean(ts.copy(r), 2), ts.crossover(ts.copy(ts.rolling_mean(c, 2)), c), quant.table(quant.sma(ts.copy(ts.cumsum(c)), 2)) }
      return { viaView, viaTable }`,
    );
    const [view, table] = out as [Json, Json];
    expect(view).toEqual(table);
    expect((view as Json[])[0]).toBe(10 + 21 + 31.5 + 43.5 + 56);
  });

  it("ts.copy gives a plain table that can change, from a view, a table or a quant vector", () => {
    const out = run(
      engine,
      `local t = ts.copy(ts.cumsum({ 1, 2 }))
      t[1] = 10 t[3] = 5
      table.insert(t, 7)
      local u = ts.copy({ 4, 5 })
      u[2] = "x"
      local w = ts.copy(quant.vector({ 1, 2 }))
      w[1] = 0
      return { t, u, w, tostring(getmetatable(t)), math.type(ts.copy({ 1 })[1]) }`,
    );
    expect(out).toEqual([[10, 3, 5, 7], [4, "x"], [0, 2], "nil", "float"]);
    expect(luaErrorOf(() => run(engine, "return ts.copy({ 1, 'a' })")).message).toBe("job.lua:2: ts.copy: element 2 of argument #1 is not a number (got string)");
  });

  it("convert to the JSON arrays their tables gave, NaN and infinities as null, nested or not", () => {
    const body = (wrap: string) => `local v = ts.clip({ 1, 0/0, 3.25, 1/0, -1/0, 2 }, -10, 10) local e = ts.cumsum({}) return { a = ${wrap}(v), b = { ${wrap}(e) }, c = ${wrap}(ts.diff({ 5, 7.5 })) }`;
    const viewJson = run(engine, body(""));
    expect(viewJson).toEqual({ a: [1, null, 3.25, 10, -10, 2], b: [[]], c: [null, 2.5] });
    expect(run(engine, body("ts.copy"))).toEqual(viewJson);
    expect(run(engine, "return ts.diff({ 1, 2, 4 })")).toEqual([null, 1, 2]);
  });

  it("count towards the result size limit", () => {
    const message = luaErrorOf(() => run(engine, "return ts.cumsum(series.close)", 10)).message;
    expect(message).toBe(luaErrorOf(() => run(engine, "return ts.copy(ts.cumsum(series.close))", 10)).message);
    expect(message).toMatch(/result too large/);
  });
});

describe("ts results on both engines", () => {
  it("charge one instruction per element written and read, the same on fengari and wasmoon", () => {
    const n = 100_000;
    const used = (engine: LuaEngine, expr: string) =>
      engine.load({ source: mapBody(`local a = {} for i = 1, ${n} do a[i] = i end return ${expr}`) }).map(SERIES, {}, 1).instructions;
    // Beyond the builtins' charges, only the few VM instructions of one more call.
    const extra = (engine: LuaEngine, expr: string, charged: number) => used(engine, expr) - used(engine, "ts.sum(a)") - charged;
    for (const [name, engine] of ENGINES) {
      for (const [expr, charged] of [["ts.sum(ts.cumsum(a))", 2 * n], ["ts.sum(ts.copy(ts.cumsum(a)))", 4 * n]] as const) {
        expect(extra(engine, expr, charged), `${name}: ${expr}`).toBeGreaterThanOrEqual(0);
        expect(extra(engine, expr, charged), `${name}: ${expr}`).toBeLessThan(64);
      }
    }
  });

  it("count towards the memory limit on both engines", () => {
    const keep = (engine: LuaEngine) =>
      luaErrorOf(() =>
        engine
          .load({ source: mapBody("local a = {} for i = 1, 10000 do a[i] = i end local keep = {} for i = 1, 1000 do keep[i] = ts.cumsum(a) end"), maxMemoryBytes: 32 << 20 })
          .map(SERIES, {}, 1),
      ).message;
    expect(keep(fengariEngine)).toMatch(/not enough memory|memory/);
    expect(keep(wasmoon)).toMatch(/not enough memory|memory/);
  });

  it("give native Lua 5.4's answers for read-only scripts over the equivalent plain tables", () => {
    // In the native run each builtin is its pure-Lua reference returning a plain table.
    const script = `
local v = cumsum(a)
local d = diff(v)
local out = {}
for i, x in ipairs(v) do out[#out + 1] = string.format("%.17g", x) .. ":" .. math.type(x) end
out[#out + 1] = #v .. " " .. #d .. " " .. tostring(v[0]) .. " " .. tostring(v[#v + 1]) .. " " .. tostring(d[1] ~= d[1])
out[#out + 1] = table.concat(v, ",") .. " " .. select("#", table.unpack(d))
local s = 0.0 for i = 1, #d do if d[i] == d[i] then s = s + d[i] * v[i] end end
out[#out + 1] = string.format("%.17g", s) .. " " .. tostring(v[2] > v[1]) .. " " .. tostring(v[1] + 0 == 1)
return table.concat(out, "\\n")`;
    const native = spawnSync(findNativeLua(), ["-"], {
      input: `local a = { 1, 2.5, -3, 4, 0.125 }
local function cumsum(a) local r, s = {}, 0.0 for i = 1, #a do s = s + a[i] r[i] = s end return r end
local function diff(a) local r = { 0/0 } for i = 2, #a do r[i] = a[i] - a[i - 1] end return r end
print((function() ${script} end)())`,
      encoding: "utf8",
    });
    expect(native.status, native.stderr).toBe(0);
    const body = `local a = { 1, 2.5, -3, 4, 0.125 } local cumsum, diff = ts.cumsum, ts.diff ${script}`;
    for (const [, engine] of ENGINES) expect(run(engine, body)).toBe(native.stdout.trimEnd());
  });
});
