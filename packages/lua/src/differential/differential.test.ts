import { beforeAll, describe, expect, it } from "vitest";
import { fengariEngine } from "../fengari/FengariEngine.ts";
import type { LuaEngine } from "../LuaEngine.ts";
import { findNativeLua } from "../testing/nativeLua.ts";
import { loadWasmoonEngine } from "../wasmoon/WasmoonEngine.ts";
import { compareOutcome } from "./compareOutcome.ts";
import { COMPILED_REFUSALS } from "./compiledRefusals.ts";
import { CORPUS } from "./corpus.ts";
import { luaLongString } from "./driver.ts";
import { runNative } from "./runNative.ts";
import { runOnCompiled, runOnEngine } from "./runOnEngine.ts";

// Each engine runs the whole corpus once (one job, a map call per case; the compiled engine a
// chunk per case), native lua5.4 once (one process); each case is then its own test, so a
// report names the cases that differ.

const lua = findNativeLua();
const engines: LuaEngine[] = [fengariEngine, await loadWasmoonEngine()];
const engineNames = [...engines.map((e) => e.name), "compiled"];
const outcomes = new Map<string, string[]>();

beforeAll(() => {
  const sources = CORPUS.map((c) => c.source);
  outcomes.set("native", runNative(lua, sources));
  for (const engine of engines) outcomes.set(engine.name, runOnEngine(engine, sources));
  outcomes.set("compiled", runOnCompiled(sources));
});

describe("the differential corpus", () => {
  it("names every case once", () => {
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length);
  });

  it("lists compiled refusals of corpus cases only", () => {
    const names = new Set(CORPUS.map((c) => c.name));
    expect(Object.keys(COMPILED_REFUSALS).filter((name) => !names.has(name))).toEqual([]);
  });

  describe.each(engineNames.map((name) => [name] as const))("on %s", (engineName) => {
    it.each(CORPUS.map((c, i) => [c.name, i] as const))("%s", (name, i) => {
      const native = outcomes.get("native")![i]!;
      const got = outcomes.get(engineName)![i]!;
      const verdict = compareOutcome(engineName, native, got);
      const why = CORPUS[i]!.open?.[engineName];
      const shown = `native:  ${native}\n${engineName}: ${got}`;
      const refusal = engineName === "compiled" ? COMPILED_REFUSALS[name] : undefined;
      if (refusal !== undefined) expect(got, `runs now? then drop the refusal entry\n${shown}`).toBe(`load error: "${refusal}"`);
      else if (why === undefined) expect(verdict, shown).not.toBe("different");
      else expect(verdict, `fixed? then drop the open entry (${why})\n${shown}`).toBe("different");
    });
  });
});

describe("compareOutcome", () => {
  it.each([
    ["fengari", "1, 2", "1, 2", "same"],
    ["fengari", "2147483648", 'error: "case:1: integer overflow (fengari has 32-bit integers: use --engine wasmoon)"', "accepted"],
    ["fengari", "8", 'load error: "case:1: <const> is Lua 5.4 (use --engine wasmoon)"', "accepted"],
    ["fengari", "6", "uncaught runtime: job.lua:3: integer overflow, use --engine wasmoon", "accepted"],
    ["fengari", "2147483648", "-2147483648", "different"],
    ["fengari", 'error: "case:2: boom"', 'error: "case:1: other --engine wasmoon"', "accepted"],
    ["fengari", "2147483648", 'error: "case:1: integer overflow"', "different"],
    ["fengari", "2147483648", '"--engine wasmoon"', "different"],
    ["wasmoon", "2147483648", 'error: "case:1: use --engine wasmoon"', "different"],
  ] as const)("%s: native %s, engine %s → %s", (engine, native, got, verdict) => {
    expect(compareOutcome(engine, native, got)).toBe(verdict);
  });
});

describe("the driver", () => {
  it("quotes any text as a long string that native Lua reads back exactly", () => {
    const texts = ["", "]]", "a]=]b]==]", "ends with ]", "ends with ]=", "\nleading newline", "[[nested]]"];
    const shown = runNative(lua, texts.map((t) => `return ${luaLongString(t)}`));
    expect(shown).toEqual(texts.map((t) => `"${t.replace(/\n/g, "\\010")}"`));
  });

  it("shows floats exactly, strings byte by byte, and errors and load errors apart", () => {
    const shown = runNative(lua, ["return 0.1 + 0.2, 1.5, 7, 'a\\0\"\\\\\\255'", "error('x')", "x = = 1", "error({})"]);
    expect(shown).toEqual([
      '0.3~0x1.3333333333334p-2, 1.5, 7, "a\\000\\034\\092\\255"',
      'error: "case:1: x"',
      "load error: \"case:1: unexpected symbol near '='\"",
      "error: table",
    ]);
  });
});
