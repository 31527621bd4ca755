import type { Json } from "@shoal/protocol";
import { describe, expect, it } from "vitest";
import type { LuaEngine } from "../LuaEngine.ts";
import { luaErrorOf, mapBody, runMap, SERIES } from "./fixtures.ts";

export const RESULTS: readonly { lua: string; json: Json }[] = [
  { lua: "nil", json: null },
  { lua: "true", json: true },
  { lua: "42", json: 42 },
  { lua: "-0.5", json: -0.5 },
  { lua: "1e308 * 10", json: null },
  { lua: "-1e308 * 10", json: null },
  { lua: "0/0", json: null },
  { lua: `"héllo \\"q\\"\\n"`, json: 'héllo "q"\n' },
  { lua: "{}", json: [] },
  { lua: "{ 1, 2, 3 }", json: [1, 2, 3] },
  { lua: "{ 1, { 2, { 3 } } }", json: [1, [2, [3]]] },
  { lua: "{ a = 1, b = { c = 'd' }, e = {} }", json: { a: 1, b: { c: "d" }, e: [] } },
  { lua: "{ ['1'] = 'string key' }", json: { "1": "string key" } },
  { lua: "{ x = 0/0, y = { 1, 0/0 } }", json: { x: null, y: [1, null] } },
  { lua: "(function() local s = { 1 } return { s, s } end)()", json: [[1], [1]] },
  { lua: "setmetatable({}, { __index = function() return 1 end })", json: [] },
];

export const BAD_RESULTS: readonly { name: string; lua: string; error: string }[] = [
  { name: "a sparse array", lua: "{ [1] = 1, [3] = 3 }", error: "result: table at $ is a sparse array (keys must be exactly 1..n)" },
  { name: "mixed keys", lua: "{ 1, 2, x = 3 }", error: "result: table at $ mixes array items and string keys" },
  { name: "a boolean key", lua: "{ stats = { [true] = 1 } }", error: "result: table at $.stats has a non-string key (true)" },
  { name: "a float key", lua: "{ [1.5] = 1 }", error: "result: table at $ has a non-string key (1.5)" },
  { name: "a zero key", lua: "{ [0] = 1 }", error: "result: table at $ has a non-string key (0)" },
  { name: "a table key", lua: "{ [{}] = 1 }", error: "result: table at $ has a non-string key (table)" },
  { name: "a function", lua: "{ f = print }", error: "result: function at $.f cannot be converted to JSON" },
  { name: "a coroutine", lua: "{ coroutine.create(print) }", error: "result: thread at $[1] cannot be converted to JSON" },
  { name: "a cycle", lua: "(function() local t = { a = {} } t.a.b = t return t end)()", error: "result: table at $.a.b contains itself (cycle)" },
  { name: "invalid UTF-8", lua: `{ ["odd key"] = "\\255" }`, error: 'result: string at $["odd key"] is not valid UTF-8' },
  {
    name: "nesting past 64 levels",
    lua: "(function() local t = {} for i = 1, 70 do t = { t } end return t end)()",
    error: "result: table at $[1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1] is nested deeper than 64 levels",
  },
];

/** Values crossing the JavaScript/Lua boundary in both directions. */
export function conversionSuite(engine: LuaEngine): void {
  describe("results to JSON", () => {
    it.each(RESULTS)("converts $lua", ({ lua, json }) => {
      expect(runMap(engine, mapBody(`return ${lua}`)).value).toEqual(json);
    });

    it.each(BAD_RESULTS)("rejects $name", ({ lua, error }) => {
      const e = luaErrorOf(() => runMap(engine, mapBody(`return ${lua}`)));
      expect(e.kind).toBe("result");
      expect(e.message).toBe(error);
    });

    it("enforces maxResultBytes with the exact JSON size", () => {
      const source = mapBody(`return { a = "é", b = { 1, 2.5, true, "\\n" } }`);
      const { value } = runMap(engine, source);
      const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
      expect(runMap(engine, source, {}, { maxResultBytes: bytes }).value).toEqual(value);
      const e = luaErrorOf(() => runMap(engine, source, {}, { maxResultBytes: bytes - 1 }));
      expect(e).toMatchObject({ kind: "result", message: `result too large (${bytes} bytes > limit ${bytes - 1})` });
      const big = luaErrorOf(() =>
        runMap(engine, mapBody(`local t = {} for i = 1, 1e5 do t[i] = i end return t`), {}, { maxResultBytes: 500_000 }),
      );
      expect(big.message).toBe("result too large (588896 bytes > limit 500000)");
    });
  });

  describe("arguments to Lua", () => {
    it("passes parameters: 32-bit integers as integers, other numbers as floats, nested values", () => {
      const { value } = runMap(
        engine,
        mapBody(`
          return { math.type(p.i), math.type(p.f), math.type(p.big), p.big == 3e9, p.s, p.b,
            p.nested.list[2], #p.nested.list, p.none == nil }`),
        { i: 7, f: 0.5, big: 3e9, s: "txt", b: false, nested: { list: [1, "two"] }, none: null },
      );
      expect(value).toEqual(["integer", "float", "float", true, "txt", false, "two", 2, true]);
    });

    it("passes reduce values with null as nil", () => {
      const job = engine.load({
        source: `function map() end
          function reduce(values)
            return { #values, values[1].k, values[2][2], values[3] == nil, values[4] }
          end`,
      });
      expect(job.reduce([{ k: "v" }, [1, 2]], 1).value).toEqual([2, "v", 2, true]);
      expect(job.reduce([{ k: "v" }, [1, 2], null, "last"], 1).value).toEqual([4, "v", 2, true, "last"]);
    });

    it("gives map the series with key, first, float time and lazily built columns", () => {
      const { value } = runMap(
        engine,
        mapBody(`
          local touched = {}
          for k in pairs(series) do touched[#touched + 1] = k end
          table.sort(touched)
          local close = series.close
          local after = {}
          for k in pairs(series) do after[#after + 1] = k end
          table.sort(after)
          return { key = series.key, first = series.first, n = #series.time, t2 = series.time[2],
            timeType = math.type(series.time[1]), closeType = math.type(close[1]), last = close[#close],
            missing = series.open == nil, same = series.close == close, touched = touched, after = after }`),
      );
      expect(value).toEqual({
        key: "AAPL",
        first: 2,
        n: 5,
        t2: SERIES.time[1],
        timeType: "float",
        closeType: "float",
        last: 12.5,
        missing: true,
        same: true,
        touched: ["first", "key"],
        after: ["close", "first", "key"],
      });
    });
  });
}
