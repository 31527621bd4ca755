import { casesOf } from "../DiffCase.ts";

/** error, pcall, assert and the messages Lua writes for runtime errors. */
export const errorCases = casesOf("errors", {
  "error values and levels": `local function lvl1() error("one") end
    local function lvl2() error("two", 2) end
    local function caller() lvl2() end
    return select(2, pcall(lvl1)), select(2, pcall(caller)), select(2, pcall(error, "zero", 0)), select(2, pcall(error)), select(2, pcall(error, 42)), type(select(2, pcall(error, {})))`,
  "assert": `return select(2, pcall(assert, false)), select(2, pcall(assert, nil, "custom")), select(2, pcall(assert, 1 == 2, 7)), assert(1, "unused"), select("#", assert(1, 2, 3))`,
  "pcall and xpcall": `local function handler(m) return "handled: " .. m end
    return pcall(function(...) return ... end, 1, 2), xpcall(function() error("x", 0) end, handler), xpcall(function(a) return a end, handler, "arg"), select(2, pcall(pcall))`,
  "nested pcall": `local ok, e = pcall(function() local ok2, e2 = pcall(error, "inner", 0) error(e2 .. "+outer", 0) end)
    return ok, e`,
  "messages name variables": `local t = {}
    local msgs = {}
    local up = nil
    for _, f in ipairs({
      function() return t.x.y end, function() return undefinedglobal.x end, function() local l return l + 1 end,
      function() return up() end, function() return t:nomethod() end, function() return #nil end, function() return -{} end,
      function() return t .. "" end, function() undefinedfn() end, function() return ("x")() end, function() return t < 1 end,
      function() return 1 < t end, function() return {} <= {} end, function() t.a.b = 1 end,
    }) do
      msgs[#msgs + 1] = select(2, pcall(f))
    end
    return table.concat(msgs, "\\n")`,
  "errors in library calls": `local msgs = {}
    for _, f in ipairs({
      function() return math.floor("a") end, function() return ("x"):rep() end, function() return setmetatable(1, {}) end,
      function() return ipairs() end, function() return table.concat(1) end, function() return tostring() end,
      function() return select() end, function() return utf8.char(-1) end, function() return next({}, "nokey") end,
    }) do
      msgs[#msgs + 1] = select(2, pcall(f))
    end
    return table.concat(msgs, "\\n")`,
  "error with a table and tostring": `local e = setmetatable({}, { __tostring = function() return "E!" end })
    local ok, got = pcall(error, e)
    return ok, got == e, tostring(got)`,
  "runtime error positions": `local function f()
      local x = nil
      return x.field
    end
    return select(2, pcall(f))`,
  "syntax errors": `local msgs = {}
    for _, src in ipairs({ "x = ", "local 1 = 2", "return return", "f(", "x = 'unfinished", "x = [[long", "return 1 +* 2", "for i = 1 do end", "x = }", "local t = {1, 2", "return 0x", "return 1e", "return '\\\\q'", "return \\"\\\\300\\"" }) do
      msgs[#msgs + 1] = select(2, load(src, "=src"))
    end
    return table.concat(msgs, "\\n")`,
})
