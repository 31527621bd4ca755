import { describe, expect, it } from "vitest";
import { luaErrorOf, mapBody, runMap, SERIES } from "../testing/fixtures.ts";
import { createWasmoonEngine, loadWasmoonEngine } from "./WasmoonEngine.ts";
import { WasmoonRuntime } from "./WasmoonRuntime.ts";
import { RESERVED_PREFIX } from "./insertBackEdgeChecks.ts";

const engine = await loadWasmoonEngine();
const BUDGET = 1e6;
const budgetError = (body: string) => luaErrorOf(() => runMap(engine, mapBody(body), {}, { budget: BUDGET }));

describe("wasmoon countdown guard", () => {
  it.each([
    ["while true do end", "while true do end", 2],
    ["repeat until false", "repeat until false", 2],
    ["infinite recursion through tail calls", "local function f(n) return f(n + 1) end\nreturn f(1)", 2],
    ["a goto loop", "::a:: goto a", 2],
    ["a runaway inside pcall", "local ok = pcall(function()\nwhile true do end\nend)\nreturn ok", 3],
    ["a runaway in pcall retried in a loop", "for i = 1, 10 do pcall(function() while true do end end) end return 1", 2],
    ["a runaway inside a loaded chunk", `local f = load("local n = 0\\nwhile true do n = n + 1 end")\nlocal r = f()\nreturn r`, 3],
    ["a loaded chunk with its own env", `local f = load("while true do end", "x", "t", {})\nreturn pcall(f)`, 3],
    ["a loaded goto loop", `local r = load("::top:: goto top")()\nreturn r`, 2],
    ["a coroutine", "return coroutine.wrap(function()\nwhile true do end\nend)()", 3],
  ])("stops %s with the budget error", (_name, body, line) => {
    const e = budgetError(body);
    expect(e.kind).toBe("budget");
    expect(e.message).toBe(`job.lua:${line}: instruction budget exceeded (${BUDGET} instructions)`);
    expect(e.line).toBe(line);
  });

  it("fails the same way on every replica", () => {
    const body = "local t = {}\nfor i = 1, 1e12 do t[i % 7 + 1] = i end";
    const [a, b] = [budgetError(body), budgetError(body)];
    expect({ message: b.message, line: b.line }).toEqual({ message: a.message, line: a.line });
  });

  it("refuses a script naming the counter, at compile time", () => {
    const e = luaErrorOf(() => engine.load({ source: mapBody(`${RESERVED_PREFIX}_n = 1e18\nwhile true do end`) }));
    expect(e.kind).toBe("syntax");
    expect(e.message).toBe(`job.lua:2: the name '${RESERVED_PREFIX}_n' is reserved by the sandbox (names starting with '${RESERVED_PREFIX}' are refused)`);
    expect(engine.check(`local ${RESERVED_PREFIX}_g = print`)).toMatchObject({ ok: false });
    expect(luaErrorOf(() => engine.load({ source: mapBody(`local ${RESERVED_PREFIX}_x`), budget: Infinity })).kind).toBe("syntax");
  });

  it("refuses a loaded chunk naming the counter as a load error", () => {
    const { value } = runMap(engine, mapBody(`return select(2, load("\\n${RESERVED_PREFIX}_n = 1e18"))`), {}, { budget: BUDGET });
    expect(value).toEqual(`[string "..."]:2: the name '${RESERVED_PREFIX}_n' is reserved by the sandbox (names starting with '${RESERVED_PREFIX}' are refused)`);
  });

  it("cannot be reached through _ENV, strings or the loaded chunk's arguments", () => {
    const { value } = runMap(
      engine,
      `local top = select("#", ...)\n${mapBody(`
        local seen = {}
        for k in pairs(_ENV) do if tostring(k):find("shoal") then seen[#seen + 1] = k end end
        local f = load("return select('#', ...), ...")
        return { #seen, _ENV["${RESERVED_PREFIX}_g"] == nil, top, f(7) }`)}`,
      {},
      { budget: BUDGET },
    );
    expect(value).toEqual([0, true, 0, 1, 7]);
  });

  it("keeps goto continue past locals, repeat locals in until, varargs and returns", () => {
    const { value } = runMap(
      engine,
      mapBody(`
        local out = {}
        for i = 1, 4 do
          if i % 2 == 0 then goto continue end
          local x = i * 10
          out[#out + 1] = x
          ::continue::
        end
        local n = 0
        repeat local done = n >= 3 n = n + 1 until done
        local g = load("local a, b = ... return a + b")
        return { out, n, g(2, 3) }`),
      {},
      { budget: BUDGET },
    );
    expect(value).toEqual([[10, 30], 4, 5]);
  });

  it("works in a function with 200 locals and refuses one at the upvalue limit with a clear message", () => {
    const locals = Array.from({ length: 197 }, (_, i) => `v${i}`);
    const many = `local ${locals.slice(0, 150).join(", ")} = 1\nlocal ${locals.slice(150).join(", ")}\nlocal function f() while false do end return v0 end`;
    expect(runMap(engine, mapBody(`${many}\nreturn f()`), {}, { budget: BUDGET }).value).toBe(1);
    // 255 upvalues: a function over 255 locals of enclosing functions (locals split over nested functions to stay under 200 each).
    const names = Array.from({ length: 255 }, (_, i) => `u${i}`);
    const src = `local ${names.slice(0, 150).join(",")}\nfunction map() local ${names.slice(150).join(",")}\nlocal f = function() return ${names.join("+")} end return 1 end`;
    expect(engine.check(src)).toEqual({ ok: true });
    expect(engine.load({ source: src, budget: Infinity }).map(SERIES, {}, 1).value).toBe(1);
    const e = luaErrorOf(() => engine.load({ source: src, budget: BUDGET }));
    expect(e.kind).toBe("syntax");
    expect(e.message).toMatch(/^job\.lua:3: too many upvalues .*\(the instruction guard adds 2 upvalues to every function/);
  });

  it("counts about 4 instructions per loop iteration, the same in every call", () => {
    const job = engine.load({ source: mapBody("local x = 0 for i = 1, p.n do x = x + 1 end return x") });
    const a = job.map(SERIES, { n: 100_000 }, 1).instructions;
    expect(a).toBeGreaterThanOrEqual(400_000);
    expect(a).toBeLessThan(420_000);
    expect(job.map(SERIES, { n: 100_000 }, 1).instructions).toBe(a);
  });

  it("keeps the count hook mode working, with the same error", async () => {
    const hooked = createWasmoonEngine(await WasmoonRuntime.load(), "hook");
    const source = mapBody("local f = load('while true do end')\nf()");
    const errorOn = (e: typeof engine) => luaErrorOf(() => e.load({ source, budget: BUDGET }).map(SERIES, {}, 1));
    const [a, b] = [errorOn(hooked), errorOn(engine)];
    expect(a).toMatchObject({ kind: "budget", message: `job.lua:3: instruction budget exceeded (${BUDGET} instructions)` });
    expect({ kind: b.kind, message: b.message }).toEqual({ kind: a.kind, message: a.message });
  });

  it("grants no more checks than the budget holds, so a small budget is exact", () => {
    // map's entry and each iteration are one check each, 4 instructions of budget apiece (taking the series in and strings are charged too).
    const job = engine.load({ source: mapBody("for i = 1, p.n do end\nreturn 1"), budget: 1000 });
    const { value, instructions } = job.map(SERIES, { n: 150 }, 1);
    expect(value).toBe(1);
    expect(instructions).toBeGreaterThan(600);
    expect(instructions).toBeLessThanOrEqual(1000);
    expect(luaErrorOf(() => job.map(SERIES, { n: 250 }, 1))).toMatchObject({ kind: "budget", message: "job.lua:2: instruction budget exceeded (1000 instructions)" });
  });
});
