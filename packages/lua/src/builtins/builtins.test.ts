import { spawnSync } from "node:child_process";
import type { Json } from "@shoal/protocol";
import { describe, expect, it } from "vitest";
import { fengariEngine } from "../fengari/FengariEngine.ts";
import type { LuaEngine } from "../LuaEngine.ts";
import { findNativeLua } from "../testing/nativeLua.ts";
import { mapBody, SERIES } from "../testing/fixtures.ts";
import { loadWasmoonEngine } from "../wasmoon/WasmoonEngine.ts";
import type { ArgShape } from "./ArgShape.ts";
import type { Builtin } from "./Builtin.ts";
import { builtinTable } from "./builtinTable.ts";
import { vectorMetamethods } from "./vectorMetamethods.ts";

// Every entry of the builtin table, called with good and bad arguments made from its argument
// shapes, must give the same results and the same error messages on both engines; builtins
// with a pure-Lua reference must also give what native Lua 5.4 computes with it.

const wasmoon = await loadWasmoonEngine();

/** Good values for one argument of `shape` (`arrays`: how many array arguments the builtin takes, which must agree in length), as Lua expressions; the first is the default pick. */
function good(shape: ArgShape<unknown>, position: number, arrays: number): string[] {
  switch (shape.kind) {
    case "numbers":
      return ["series.close", "quant.vector(series.volume)", "{ 1, 2.5, 0/0, 4, -3 }", ...(arrays === 1 ? ["{}", "{ 1 }"] : [])];
    case "numbers or number":
      return ["series.volume", "11"];
    case "number":
      return [position === 2 ? "10.5" : "12"];
    case "integer":
      return shape.min === 1 ? [String(position + 1), position === 2 ? "1" : "9"] : shape.min === 0 ? ["0", "2"] : ["2", "-1"];
  }
}

/** Bad values for one argument of `shape`. */
function bad(shape: ArgShape<unknown>, arrays: number): string[] {
  const missing = shape.optional ? [] : ["nil"];
  const short = arrays > 1 ? ["{ 1 }"] : [];
  switch (shape.kind) {
    case "numbers":
      return [...missing, "'x'", "{ 1, 'a' }", "{ 1, nil, 3 }", ...short];
    case "numbers or number":
      return [...missing, "'x'", "{ true }", ...short];
    case "number":
      return [...missing, "'1'", "{}"];
    case "integer":
      return [...missing, "2.5", "'3'", shape.min === -Infinity ? "2^40" : String((shape.min ?? 0) - 1)];
  }
}

/** Calls with the default picks, each argument varied over its good values, optional ones left out, and each argument made bad in turn. */
function calls(b: Builtin): { good: string[]; bad: string[] } {
  const arrays = b.args.filter((shape) => shape.kind !== "number" && shape.kind !== "integer").length;
  const picks = b.args.map((shape, i) => good(shape, i + 1, arrays)[0] as string);
  const call = (args: string[]) => `${b.lib}.${b.name}(${args.join(", ")})`;
  const replacing = (i: number, v: string) => picks.map((p, j) => (j === i ? v : p));
  const goodCalls = [call(picks)];
  b.args.forEach((shape, i) => {
    for (const v of good(shape, i + 1, arrays).slice(1)) goodCalls.push(call(replacing(i, v)));
  });
  const required = b.args.length - [...b.args].reverse().findIndex((shape) => !shape.optional);
  if (required < b.args.length) goodCalls.push(call(picks.slice(0, required)));
  const badCalls = b.args.flatMap((shape, i) => bad(shape, arrays).map((v) => call(replacing(i, v))));
  return { good: goodCalls, bad: badCalls };
}

/** Runs each call in one map on `engine`: its results (vectors as arrays) or its error message. */
function outcomes(engine: LuaEngine, exprs: readonly string[]): Json {
  const body = `
    local function pack(ok, ...)
      if not ok then return { error = tostring((...)) } end
      local r = {}
      for i = 1, select("#", ...) do
        local v = select(i, ...)
        r[i] = type(v) == "userdata" and quant.table(v) or v
      end
      return { ok = r }
    end
    return { ${exprs.map((e) => `pack(pcall(function() return ${e} end))`).join(",\n")} }`;
  return engine.load({ source: mapBody(body), maxResultBytes: 64 << 20 }).map(SERIES, {}, 1).value;
}

describe("every builtin of the table", () => {
  it("covers the ts and quant libraries once each", () => {
    const names = builtinTable.map((b) => `${b.lib}.${b.name}`);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(["ts.sum", "ts.rolling_mean", "ts.crossover", "ts.clip", "quant.sma", "quant.macd", "quant.hold"]));
  });

  it.each(builtinTable.map((b) => [`${b.lib}.${b.name}`, b] as const))("%s gives the same results and errors on fengari and wasmoon", (name, b) => {
    const { good: goodCalls, bad: badCalls } = calls(b);
    const f = outcomes(fengariEngine, [...goodCalls, ...badCalls]) as Array<{ ok?: Json[]; error?: string }>;
    const w = outcomes(wasmoon, [...goodCalls, ...badCalls]);
    expect(w).toEqual(f);
    f.slice(0, goodCalls.length).forEach((o, i) => expect(o.error, goodCalls[i]).toBeUndefined());
    f.slice(goodCalls.length).forEach((o, i) => expect(o.error, badCalls[i]).toMatch(new RegExp(`^job\\.lua:\\d+: ${name.replace(".", "\\.")}: `)));
  });
});

const OPERATORS: Record<string, string> = { __add: "+", __sub: "-", __mul: "*", __div: "/", __pow: "^" };

describe("vector arithmetic", () => {
  it.each(Object.keys(vectorMetamethods))("%s gives the same results and errors on fengari and wasmoon", (name) => {
    const op = OPERATORS[name];
    const v = "quant.vector({ 1, -2.5, 0/0 })";
    const exprs =
      op === undefined
        ? [`-${v}`, "-quant.vector({})"]
        : [`${v} ${op} ${v}`, `${v} ${op} 2`, `3 ${op} ${v}`, `${v} ${op} { 4, 5, 6 }`, `{ 4, 5, 6 } ${op} ${v}`, `${v} ${op} { 1 }`, `${v} ${op} 'x'`, `${v} ${op} { 1, 'a', 3 }`];
    const f = outcomes(fengariEngine, exprs) as Array<{ ok?: Json[]; error?: string }>;
    expect(outcomes(wasmoon, exprs)).toEqual(f);
    expect(f[0]?.ok).toBeDefined();
    if (op !== undefined) expect(f[5]?.error).toMatch(/quant\.vector: lengths differ \(3 and 1\) in /);
  });
});

/** Pure-Lua references: `f(a)` must give what the builtin gives on an array of exactly representable numbers. */
const REFERENCES: Record<string, { call: string; lua: string }> = {
  "ts.sum": { call: "ts.sum(a)", lua: "local s = 0.0 for i = 1, #a do s = s + a[i] end return s" },
  "ts.min": { call: "ts.min(a)", lua: "local m = a[1] for i = 2, #a do if a[i] < m then m = a[i] end end return m" },
  "ts.max": { call: "ts.max(a)", lua: "local m = a[1] for i = 2, #a do if a[i] > m then m = a[i] end end return m" },
  "ts.diff": { call: "ts.diff(a)", lua: "local r = { 0/0 } for i = 2, #a do r[i] = a[i] - a[i - 1] end return r" },
  "ts.shift": { call: "ts.shift(a, 2)", lua: "local r = {} for i = 1, #a do r[i] = i > 2 and a[i - 2] + 0.0 or 0/0 end return r" },
  "ts.cumsum": { call: "ts.cumsum(a)", lua: "local r, s = {}, 0.0 for i = 1, #a do s = s + a[i] r[i] = s end return r" },
  "ts.cumprod": { call: "ts.cumprod(a)", lua: "local r, p = {}, 1.0 for i = 1, #a do p = p * a[i] r[i] = p end return r" },
  "ts.rolling_sum": { call: "ts.rolling_sum(a, 2)", lua: "local r = { 0/0 } for i = 2, #a do r[i] = a[i] + a[i - 1] end return r" },
  "ts.clip": { call: "ts.clip(a, 10.5, 12)", lua: "local r = {} for i = 1, #a do r[i] = math.min(math.max(a[i], 10.5), 12) + 0.0 end return r" },
  "ts.sign": { call: "ts.sign(ts.diff(a))", lua: "local r = { 0/0 } for i = 2, #a do local d = a[i] - a[i - 1] r[i] = d > 0 and 1.0 or d < 0 and -1.0 or 0.0 end return r" },
  "quant.shift": { call: "quant.table(quant.shift(a, 1))", lua: "local r = { 0/0 } for i = 2, #a do r[i] = a[i - 1] + 0.0 end return r" },
};

/** Lua that prints each value as text the same way everywhere: "%.17g" and math.type for numbers, arrays element by element. */
const SHOW = `
local function show(v)
  if type(v) ~= "table" then
    if v ~= v then return "nan" end
    return string.format("%.17g", v) .. ":" .. math.type(v)
  end
  local parts = {}
  for i = 1, #v do parts[i] = show(v[i]) end
  return "{" .. table.concat(parts, " ") .. "}"
end
local a = { 10.0, 11.0, 10.5, 12.0, 12.5, 9.25, 12.0 }
`;

describe("builtins with a pure-Lua reference", () => {
  const names = Object.keys(REFERENCES);

  it("give native Lua 5.4's results on both engines", () => {
    const native = spawnSync(findNativeLua(), ["-"], {
      input: `${SHOW}\n${names.map((n) => `print(show((function(a) ${REFERENCES[n]?.lua} end)(a)))`).join("\n")}`,
      encoding: "utf8",
    });
    expect(native.status, native.stderr).toBe(0);
    const expected = native.stdout.trim().split("\n");
    expect(expected).toHaveLength(names.length);
    const body = `${SHOW}\nreturn { ${names.map((n) => `show(${REFERENCES[n]?.call})`).join(", ")} }`;
    for (const engine of [fengariEngine, wasmoon]) {
      expect(engine.load({ source: mapBody(body) }).map(SERIES, {}, 1).value).toEqual(expected);
    }
  });

  it("name builtins of the table", () => {
    for (const name of names) expect(builtinTable.some((b) => `${b.lib}.${b.name}` === name)).toBe(true);
  });
});
