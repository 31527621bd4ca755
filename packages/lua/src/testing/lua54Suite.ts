import { describe, expect, it } from "vitest";
import type { LuaEngine } from "../LuaEngine.ts";
import { mapBody, runMap } from "./fixtures.ts";
import { hexResultsLua, nativeResults, readable } from "./nativeResults.ts";

/** Expressions whose value (as `tostring` gives it) every engine must share with native Lua 5.4, by topic. */
const SAME_AS_LUA54: Readonly<Record<string, readonly string[]>> = {
  "string order is byte order, for long strings and bytes below 16 too": [
    `string.rep("z", 33) < "a"`,
    `"a\\n" < "0"`,
    `"a" < string.rep("z", 33)`,
    `"\\15" < "\\16"`,
    `"\\1\\0" < "\\16"`,
    `"a\\0b" < "a\\0c"`,
    `"a" < "a\\0"`,
    `"" < "\\0"`,
    `"\\127" < "\\255"`,
    `string.rep("a", 32) < string.rep("a", 33)`,
    `string.rep("a", 40) .. "b" < string.rep("a", 40) .. "c"`,
    `string.rep("a", 31) .. "\\0" <= string.rep("a", 31) .. "\\0"`,
    `string.rep("b", 40) <= string.rep("a", 41)`,
    `(function() local t = { "b", string.rep("z", 33), "a", "c\\n", "c", "c\\0", "\\0", string.rep("c", 34) } table.sort(t) return table.concat(t, ",") end)()`,
  ],
};

/** Runs `exprs` in one map call on `engine`, giving each result as nativeResults does. */
function engineResults(engine: LuaEngine, exprs: readonly string[]): string[] {
  return (runMap(engine, mapBody(`${hexResultsLua(exprs)}return out`)).value as string[]).map(readable);
}

/** Asserts the engine gives native Lua 5.4's answer for each case where Shoal promises it does. */
export function lua54Suite(engine: LuaEngine): void {
  describe("same answers as native Lua 5.4", () => {
    for (const [topic, exprs] of Object.entries(SAME_AS_LUA54)) {
      it(topic, () => {
        const expected = nativeResults(exprs);
        const got = engineResults(engine, exprs);
        expect(got.map((r, i) => `${exprs[i]} → ${r}`)).toEqual(expected.map((r, i) => `${exprs[i]} → ${r}`));
      });
    }
  });
}
