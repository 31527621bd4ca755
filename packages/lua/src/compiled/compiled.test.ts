import { beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "@shoal/protocol";
import { LuaError } from "../LuaEngine.ts";
import { runNative } from "../differential/runNative.ts";
import { findNativeLua } from "../testing/nativeLua.ts";
import { compileLua } from "./compileLua.ts";
import { COMPILED_CASES } from "./compiledCases.ts";
import { MAX_CALL_DEPTH } from "./runtime.ts";
import { compiledOutcome } from "./outcomeLine.ts";

const lua = findNativeLua();
const sameAsNative = (native: string, got: string) => got.replace(/-nan/g, "nan") === native.replace(/-nan/g, "nan");

const outcomes = new Map<string, string[]>();
beforeAll(() => {
  outcomes.set("compiled", runNative(lua, COMPILED_CASES.map((c) => c.source)));
});

describe("the compiled engine against native Lua 5.4", () => {
  it.each(COMPILED_CASES.map((c, i) => [c.name, i] as const))("%s", (_, i) => {
    const native = outcomes.get("compiled")![i]!;
    const got = compiledOutcome(COMPILED_CASES[i]!.source);
    expect(sameAsNative(native, got), `native:   ${native}\ncompiled: ${got}`).toBe(true);
  });
});

describe("refusals at compile time", () => {
  it.each([
    ["string patterns", `return ("a"):gsub("a", "b")`, "job.lua:1: method 'gsub' (string patterns and packing) is not supported by the compiled engine yet"],
    ["string.find", `local x = 1\nreturn string.find("a", "a")`, "job.lua:2: string.find (string patterns) is not supported by the compiled engine yet"],
    ["coroutines", `return coroutine.wrap(function() end)`, "job.lua:1: coroutine (coroutines) is not supported by the compiled engine yet"],
    ["load", `return load("return 1")`, "job.lua:1: load (load) is not supported by the compiled engine yet"],
    ["_ENV", `return _ENV`, "job.lua:1: _ENV is not supported by the compiled engine"],
    ["quant", `local x = 1\nreturn quant.sma({ 1 }, 1)`, "job.lua:2: quant (the quant library) is not supported by the compiled engine yet"],
    ["syntax errors", `return 1 +`, "job.lua:1: <expression> expected near '<eof>'"],
    ["<const> locals", `local x <const> = 1`, "(the compiled engine parses Lua 5.3 syntax: no <const>/<close>)"],
    ["goto into a local's scope", `goto l\nlocal x = 1\n::l:: return x`, "<goto l> jumps into the scope of local 'x'"],
    ["a goto without a label", `goto nowhere`, "job.lua:1: no visible label 'nowhere' for <goto>"],
    ["crossing gotos", `goto b\n::a:: do end\ngoto c\n::b:: do end\n::c:: do end\ngoto a`, "not supported by the compiled engine"],
  ])("refuses %s", (_, source, message) => {
    let error: unknown;
    try {
      compileLua(source);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LuaError);
    expect((error as LuaError).kind).toBe("syntax");
    expect((error as LuaError).message).toContain(message);
  });

  it("lets a local shadow a refused name", () => {
    expect(compileLua(`local load = function(x) return x end return load(7)`).run()).toEqual([7]);
  });
});

describe("hostile sources", () => {
  const refusal = (source: string) => {
    try {
      compileLua(source);
    } catch (e) {
      if (e instanceof LuaError) return `${e.kind}: ${e.message}`;
      throw e;
    }
    return "compiled";
  };

  it("refuses a script over the script size limit, naming both sizes", () => {
    expect(refusal(`return "${"x".repeat(LIMITS.scriptBytes)}"`)).toBe(`syntax: job.lua: the script is ${LIMITS.scriptBytes + 9} bytes; the compiled engine takes at most ${LIMITS.scriptBytes}`);
  });

  it.each([
    ["5,000 nested parentheses", `return ${"(".repeat(5000)}1${")".repeat(5000)}`],
    ["5,000 nested tables", `return ${"{".repeat(5000)}${"}".repeat(5000)}`],
    ["a sum of 50,000 terms", `return ${"1 + ".repeat(50000)}1`],
    ["3,000 nested functions", `return ${"function() return ".repeat(3000)}1${" end".repeat(3000)}`],
  ])("refuses %s with a Lua error, not a crash", (_, source) => {
    expect(refusal(source)).toMatch(/^syntax: job\.lua: the chunk is nested too deeply for the compiled engine$/);
  });

  it("compiles nesting as deep as native Lua allows (under 200 levels)", () => {
    expect(compileLua(`return ${"{".repeat(150)}7${"}".repeat(150)}`).run().length).toBe(1);
    expect(compileLua(`return ${"(".repeat(150)}7${")".repeat(150)}`).run()).toEqual([7]);
  });
});

describe("the budget", () => {
  const spin = `local n = 0 while true do n = n + 1 end`;
  const recurse = `local function f(n) return f(n + 1) + 1 end return f(0)`;

  it.each([spin, recurse])("stops a runaway chunk the same way every time: %s", (source) => {
    const chunk = compileLua(source);
    const failures = [1, 2, 3].map(() => {
      try {
        chunk.run({ budget: 500 });
        return "ran";
      } catch (e) {
        return e instanceof LuaError ? `${e.kind}: ${e.message}` : String(e);
      }
    });
    expect(failures[0]).toMatch(/^budget: job\.lua:1: budget exhausted/);
    expect(new Set(failures).size).toBe(1);
  });

  it("is not caught by pcall", () => {
    expect(() => compileLua(`return pcall(function() while true do end end)`).run({ budget: 1000 })).toThrow(/budget exhausted/);
  });

  it("counts back-edges and calls exactly: a loop of n rounds with one call costs 2n + 1", () => {
    const chunk = compileLua(`local function f() end for i = 1, 100 do f() end return 1`);
    expect(chunk.run({ budget: 200 })).toEqual([1]);
    expect(() => chunk.run({ budget: 199 })).toThrow(/budget exhausted/);
  });

  it("ends deep recursion with a catchable stack overflow at the same depth every time, before V8's stack runs out", () => {
    const depth = (n: number) => `local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return pcall(f, ${n})`;
    expect(compileLua(depth(MAX_CALL_DEPTH - 2)).run()).toEqual([true, MAX_CALL_DEPTH - 2]);
    for (let i = 0; i < 3; i++) expect(compileLua(depth(MAX_CALL_DEPTH)).run()).toEqual([false, "job.lua:1: stack overflow"]);
  });

  it("compiled without checks, loops are not counted", () => {
    expect(compileLua(`for i = 1, 1000 do end return 1`, { budget: false }).run({ budget: 10 })).toEqual([1]);
  });
});
