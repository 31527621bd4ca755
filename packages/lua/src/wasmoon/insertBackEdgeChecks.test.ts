import { describe, expect, it } from "vitest";
import { CHECK, insertBackEdgeChecks, RESERVED_PREFIX, ReservedNameError, tokenize } from "./insertBackEdgeChecks.ts";

const MARK = "@";
/** The rewritten body with the prefix, suffix and checks shown as MARK, to compare with the expected placement. */
function marked(src: string): string {
  const out = insertBackEdgeChecks(src);
  const start = out.indexOf("return function(...)") + "return function(...)".length;
  expect(out.endsWith("\nend")).toBe(true);
  return out.slice(start, -4).split(CHECK).join(MARK);
}

const lines = (s: string) => s.split(/\r\n|\n\r|\n|\r/).length;

describe("insertBackEdgeChecks", () => {
  it("checks loop bodies, repeat bodies and function entries", () => {
    expect(marked("while x do y() end")).toBe(`while x do${MARK} y() end`);
    expect(marked("for i = 1, 3 do end")).toBe(`for i = 1, 3 do${MARK} end`);
    expect(marked("for k, v in pairs(t) do end")).toBe(`for k, v in pairs(t) do${MARK} end`);
    expect(marked("repeat local x = 1 until x == 1")).toBe(`repeat${MARK} local x = 1 until x == 1`);
    expect(marked("local function f(a, b) return a end")).toBe(`local function f(a, b)${MARK} return a end`);
    expect(marked("function a.b:c(...) end")).toBe(`function a.b:c(...)${MARK} end`);
    expect(marked("local f = function() end")).toBe(`local f = function()${MARK} end`);
  });

  it("leaves plain do blocks, if blocks and nested non-loop structure alone", () => {
    expect(marked("do local x = 1 end if a then b() elseif c then d() else e() end")).toBe(
      "do local x = 1 end if a then b() elseif c then d() else e() end",
    );
    expect(marked("while (function() do end return false end)() do end")).toBe(
      `while (function()${MARK} do end return false end)() do${MARK} end`,
    );
    expect(marked("for i = 1, 2 do do end while a do end end")).toBe(`for i = 1, 2 do${MARK} do end while a do${MARK} end end`);
  });

  it("checks labels a goto can jump back to, but not labels ending a block", () => {
    expect(marked("::a:: goto a")).toBe(`::a::${MARK} goto a`);
    expect(marked("for i = 1, 3 do if i == 2 then goto continue end local x = i ::continue:: end")).toBe(
      `for i = 1, 3 do${MARK} if i == 2 then goto continue end local x = i ::continue:: end`,
    );
    expect(marked("do ::a:: ; ::b:: end ::c::")).toBe("do ::a:: ; ::b:: end ::c::");
  });

  it("skips strings, comments and numbers", () => {
    const src = [
      `local s = "while do \\" end" .. 'for do' .. [[while x do]] .. [==[ ]] repeat ]==]`,
      `-- while true do end`,
      `--[[ function() ]] --[=[ for ]] do ]=] x = 0x1p-4 + 1e+3 + .5 + 3`,
      `local t = "a\\z`,
      `   b" .. "c\\`,
      `d" local u = a[b[1]]`,
    ].join("\n");
    expect(marked(src)).toBe(src);
  });

  it("never changes lines", () => {
    const src = "local x = [[\nwhile\r\n]]\nfor i = 1, 2 do\n  --[==[\n  ]==]\n  ::l::\n  x = i\nend\r\nreturn function()\nend -- end";
    const out = insertBackEdgeChecks(src);
    expect(lines(out)).toBe(lines(src) + 1);
    // Each source line's code stays on that line: only checks were added within lines.
    const stripped = out.split(CHECK).join("").replace(/^local [^\n]*?return function\(\.\.\.\)/, "").replace(/\nend$/, "");
    expect(stripped).toBe(src);
  });

  it("refuses names starting with the reserved prefix, but not in strings or comments", () => {
    expect(() => insertBackEdgeChecks(`local x = 1\n${RESERVED_PREFIX}_n = 5`)).toThrow(ReservedNameError);
    try {
      insertBackEdgeChecks(`\n\nlocal ${RESERVED_PREFIX}_g`);
    } catch (e) {
      expect((e as ReservedNameError).line).toBe(3);
    }
    expect(marked(`local s = "${RESERVED_PREFIX}_n" -- ${RESERVED_PREFIX}_g`)).toBe(`local s = "${RESERVED_PREFIX}_n" -- ${RESERVED_PREFIX}_g`);
  });

  it("tokenizes with Lua's line numbers", () => {
    const t = tokenize("a\r\nb\n\rc\n[[\n]] d 'x\\\ny' e");
    expect(t.map((k) => [k.text, k.line])).toEqual([
      ["a", 1], ["b", 2], ["c", 3], ["<string>", 4], ["d", 5], ["<string>", 5], ["e", 6],
    ]);
  });
});
