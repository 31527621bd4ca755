import { describe, expect, it } from "vitest";
import type { LuaEngine } from "../LuaEngine.ts";
import { luaErrorOf, mapBody, runMap } from "./fixtures.ts";

/** Escape attempts: each must end in a Lua error whose message matches. */
export const ESCAPE_ATTEMPTS: readonly { name: string; code: string; error: RegExp }[] = [
  { name: "os.execute", code: `os.execute("ls")`, error: /attempt to index a nil value \(global 'os'\)/ },
  { name: "io.open", code: `io.open("/etc/passwd")`, error: /attempt to index a nil value \(global 'io'\)/ },
  { name: "require", code: `require("os")`, error: /attempt to call a nil value \(global 'require'\)/ },
  { name: "package.loadlib", code: `package.loadlib("x", "y")`, error: /global 'package'/ },
  { name: "debug.getregistry", code: `debug.getregistry()`, error: /global 'debug'/ },
  { name: "fengari js bridge", code: `return js.global`, error: /attempt to index a nil value \(global 'js'\)/ },
  { name: "fengari library", code: `return fengari.load`, error: /global 'fengari'/ },
  { name: "dofile", code: `dofile("/etc/passwd")`, error: /global 'dofile'/ },
  { name: "loadfile", code: `loadfile("/etc/passwd")`, error: /global 'loadfile'/ },
  { name: "string.dump", code: `return string.dump(map)`, error: /attempt to call a nil value \(field 'dump'\)/ },
  { name: "string.dump as a method", code: `return (""):dump()`, error: /method 'dump'/ },
  {
    name: "load a binary chunk",
    code: `return assert(load("\\27Lua\\83\\0\\25\\147\\r\\n\\26\\n"))`,
    error: /binary chunks are not allowed/,
  },
  {
    name: "load a binary chunk from a reader",
    code: `local done return assert(load(function() if done then return nil end done = true return "\\27Lua" end))`,
    error: /binary chunks are not allowed/,
  },
  { name: "load with mode 'b'", code: `return assert(load("return 1", "x", "b"))`, error: /attempt to load a text chunk \(mode is 'b'\)/ },
  { name: "load reaches the real globals", code: `return assert(load("return io")(), "no io")`, error: /no io/ },
  { name: "load with an env reaches os", code: `return assert(load("return os", "x", "t", {})(), "no os")`, error: /no os/ },
  { name: "modify the string metatable", code: `getmetatable("").__index.upper = nil`, error: /attempt to index a nil value \(field '__index'\)/ },
  { name: "rawset on the string metatable", code: `rawset(getmetatable(""), "__index", {})`, error: /bad argument #1 to 'rawset' \(table expected, got string\)/ },
  { name: "setmetatable on a string", code: `setmetatable("", {})`, error: /bad argument #1 to 'setmetatable' \(table expected, got string\)/ },
  { name: "rawget _G for os", code: `return rawget(_G, "os").execute`, error: /attempt to index a nil value/ },
  { name: "_ENV alias", code: `local e = _ENV return e.io.open`, error: /attempt to index a nil value \(field 'io'\)/ },
  { name: "_G._G chain", code: `return _G._G._G.os.exit`, error: /attempt to index a nil value \(field 'os'\)/ },
  { name: "collectgarbage stop", code: `collectgarbage("stop")`, error: /option 'stop' is not supported in the sandbox/ },
  { name: "collectgarbage setpause", code: `collectgarbage("setpause", 100)`, error: /not supported in the sandbox/ },
  { name: "os from a coroutine", code: `return coroutine.wrap(function() return os.exit() end)()`, error: /global 'os'/ },
  { name: "getfenv (5.1)", code: `return getfenv(1)`, error: /global 'getfenv'/ },
  { name: "setfenv (5.1)", code: `setfenv(1, {})`, error: /global 'setfenv'/ },
  { name: "module (5.1)", code: `module("x")`, error: /global 'module'/ },
  { name: "loadstring (5.1)", code: `return loadstring("return 1")`, error: /global 'loadstring'/ },
  { name: "newproxy (5.1)", code: `return newproxy(true)`, error: /global 'newproxy'/ },
  { name: "gcinfo (5.1)", code: `return gcinfo()`, error: /global 'gcinfo'/ },
  { name: "bit32 (5.2)", code: `return bit32.band(1, 1)`, error: /global 'bit32'/ },
];

/** The sandbox: no escape hatches, only the documented libraries. */
export function sandboxSuite(engine: LuaEngine): void {
  describe("sandbox", () => {
    it.each(ESCAPE_ATTEMPTS)("refuses $name", ({ code, error }) => {
      const e = luaErrorOf(() => runMap(engine, mapBody(code)));
      expect(e.kind).toBe("runtime");
      expect(e.message).toMatch(error);
    });

    it("exposes exactly the documented globals", () => {
      const { value } = runMap(
        engine,
        mapBody(`
          local names = {}
          for k in pairs(_G) do names[#names + 1] = k end
          table.sort(names)
          return names`),
      );
      expect(value).toEqual(
        [
          "_G", "_VERSION", "assert", "collectgarbage", "coroutine", "error", "getmetatable", "ipairs", "load", "map",
          "math", "next", "pairs", "pcall", "print", "quant", "rawequal", "rawget", "rawlen", "rawset", "select",
          "setmetatable", "string", "table", "tonumber", "tostring", "ts", "type", "utf8", "xpcall",
        ].sort(),
      );
    });

    it("keeps load usable for text chunks, in the call's environment by default", () => {
      const { value } = runMap(
        engine,
        mapBody(`
          x = 41
          local f = assert(load("return x + 1"))
          local g = assert(load("return y", "=g", "t", { y = 7 }))
          local pieces, i = { "return ", "'ok'" }, 0
          local h = assert(load(function() i = i + 1 return pieces[i] end))
          local m = assert(load("return x", "=m", "t"))
          return { f(), g(), h(), load("return io")() == nil, m() }`),
      );
      expect(value).toEqual([42, 7, "ok", true, 41]);
    });

    it("answers collectgarbage's harmless options", () => {
      const { value } = runMap(
        engine,
        mapBody(`return { collectgarbage(), collectgarbage("collect"), collectgarbage("step"),
          collectgarbage("isrunning"), type(collectgarbage("count")) }`),
      );
      expect(value).toEqual([0, 0, true, true, "number"]);
    });

    it("locks the string metatable but keeps string methods", () => {
      const { value } = runMap(engine, mapBody(`return { getmetatable(""), ("abc"):upper(), ("x"):rep(3, ",") }`));
      expect(value).toEqual(["locked", "ABC", "x,x,x"]);
    });
  });
}
