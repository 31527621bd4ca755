import { beforeAll, describe, expect, it } from "vitest";
import { runNative } from "../differential/runNative.ts";
import { findNativeLua } from "../testing/nativeLua.ts";
import { compileLua } from "./compileLua.ts";
import { hostileProgram } from "./hostileProgram.ts";
import { compiledOutcome } from "./outcomeLine.ts";

// Hundreds of programs whose every name means something to a JavaScript host: the compiled
// code must not mention any of them, must answer exactly as native Lua does, and may only fail
// with Lua errors (compiledOutcome rethrows anything else).

const SEEDS = Array.from({ length: 300 }, (_, i) => i + 1);
const lua = findNativeLua();
const sources = SEEDS.map(hostileProgram);
let native: string[] = [];

const JS_WORDS = new Set(["return", "function", "let", "const", "if", "else", "for", "while", "true", "false", "undefined", "break", "continue", "Infinity"]);

/**
 * What the compiler itself writes into a chunk besides `$` names: the type and integer tests of
 * its inline number fast paths and the table test of its inline reads. Removed before the words
 * are counted, so what is left could only have come from the Lua source.
 */
const FAST_PATH_TEXT = /typeof \$\w+ === "(?:number|object)"|\bNumber\.isInteger\(/g;

/** Words of the generated chunk (past its fixed header) that are neither JS syntax nor the compiler's own `$` names, and any quote: must be none. */
function bareWords(js: string): string[] {
  const body = js.slice(js.indexOf("return function")).replace(FAST_PATH_TEXT, "");
  const words = body.match(/(?<![$\w.])[A-Za-z_]\w*/g) ?? [];
  const quotes = /["'`]/.test(body) ? ["<a quote>"] : [];
  return [...new Set(words)].filter((w) => !JS_WORDS.has(w)).concat(quotes);
}
beforeAll(() => {
  native = runNative(lua, sources);
});

describe("hostile names in compiled chunks", () => {
  it.each(SEEDS.map((seed, i) => [seed, i] as const))("seed %i answers as native Lua and leaks nothing", (_, i) => {
    const got = compiledOutcome(sources[i]!);
    expect(got.replace(/-nan/g, "nan"), sources[i]).toBe(native[i]!.replace(/-nan/g, "nan"));
    expect(bareWords(compileLua(sources[i]!).compiled.js), "words of the generated code besides $-names").toEqual([]);
  });

  it("keeps host objects out of reach", () => {
    const probes = `return ({}).constructor, _G.globalThis, _G.Function, getmetatable(""), select(2, pcall(function() return ("").constructor.constructor end)),
      select(2, pcall(function() local f = function() end return f.constructor end)), rawget(_G, "__proto__"), tostring(nil).constructor`;
    expect(compileLua(probes, { chunkName: "case" }).run()).toEqual([
      undefined,
      undefined,
      undefined,
      "locked",
      "case:1: attempt to index a nil value (field 'constructor')",
      "case:2: attempt to index a function value (local 'f')",
      undefined,
      undefined,
    ]);
  });
});
