import type { DiffCase } from "../DiffCase.ts";

const LUA53 = "fengari is Lua 5.3, which does this differently from 5.4";

function open(name: string, why: Readonly<Record<string, string>>, source: string): DiffCase {
  return { name: `open: ${name}`, source, open: why };
}

/**
 * Differences the harness found that are neither fixed nor refused with an error yet, each as
 * the smallest program that shows it; `open` says on which engine and why.
 */
export const openCases: DiffCase[] = [
  open("bitwise operators refuse strings", { fengari: `fengari now refuses them too, but its message lacks the "(constant '3')" Lua 5.4 adds` }, `return pcall(function() return "3" | 0 end)`),
  open("for loop messages", { fengari: `${LUA53}: "'for' initial value must be a number"` }, `return pcall(function() for i = "a", 2 do end end)`),
  open("string arithmetic messages", { fengari: `${LUA53}: "attempt to perform arithmetic on a string value"` }, `return pcall(function() return "abc" + 1 end)`),
  open("bitwise messages name the constant", { fengari: `${LUA53}: the message has no "(constant 'a')"` }, `return pcall(function() return "a" & 1 end)`),
  open("break outside a loop", { fengari: `${LUA53}: "<break> at line 1 not inside a loop"` }, `return load("break")`),
  open("rawlen message", { fengari: `${LUA53}: the message lacks ", got number"` }, `return pcall(rawlen, 5)`),
  open("utf8.codepoint bounds message", { fengari: `${LUA53}: "out of range"` }, `return pcall(utf8.codepoint, "abc", 4)`),
  open("string.pack zeros message", { fengari: `fengari's message says "strings contains zeros"` }, `return pcall(string.pack, "z", "a\\0b")`),
  open("table.remove position message", { wasmoon: "Debian's lua5.4 is 5.4.4, which names argument #1; wasmoon bundles 5.4.6, which names #2" }, `return pcall(table.remove, { 1, 2 }, 7)`),
  open(
    "math.cos of large arguments",
    {
      fengari: "JavaScript's Math.cos (fdlibm) differs from glibc's cos in the last bit",
      wasmoon: "musl's cos, compiled to wasm, differs from glibc's in the last bit",
      compiled: "JavaScript's Math.cos differs from glibc's in the last bit",
    },
    `return math.cos(1000), math.cos(1e15)`,
  ),
  open(
    "the line of an arithmetic error",
    {
      fengari: "Debian's lua5.4 (5.4.4) names line 1, a Lua bug fixed in 5.4.5 (lua/lua 02bab9fc); the engine's line 2 is right",
      compiled: "Debian's lua5.4 (5.4.4) names line 1, a Lua bug fixed in 5.4.5 (lua/lua 02bab9fc); the engine's line 2 is right",
      // wasmoon's Lua has the same bug (the error is raised before the pc is saved); only its count hook, which saved the pc at every instruction, hid it.
    },
    `local v1 = 0\nlocal v2 = (0 % v1)\nreturn v2`,
  ),
  open("__le falls back to __lt", { wasmoon: "Debian builds lua5.4 with LUA_COMPAT_5_3, where a <= b falls back to not (b < a); wasmoon's Lua is built without it and raises an error" }, `local t = setmetatable({}, { __lt = function() return true end })\nreturn pcall(function() return t <= t end)`),
  open("chains of __call", { fengari: `${LUA53}: a __call that is itself a callable table is an error` }, `local f = setmetatable({}, { __call = setmetatable({}, { __call = function(_, _, x) return x end }) })\nreturn f(5)`),
  open("coroutine.close", { fengari: `${LUA53}: there is no coroutine.close, so calling it is an error` }, `local co = coroutine.create(function() coroutine.yield() end)\ncoroutine.resume(co)\nreturn coroutine.close(co), coroutine.status(co)`),
  open("unpack of an unfinished z string", { fengari: `${LUA53}: "data string too short"` }, `return pcall(string.unpack, "zc10000000", "alo")`),
  open("calling a bad metamethod names it", { fengari: `${LUA53}: the message lacks "(metamethod 'add')"` }, `local a = setmetatable({}, { __add = 34 })\nreturn pcall(function() return a + 1 end)`),
  open(
    "calling a bad metamethod names it, for every operator",
    { fengari: `${LUA53}: the messages lack "(metamethod '...')"` },
    `local m = setmetatable({}, { __add = 1, __sub = 1.5, __mul = "x", __div = true, __mod = {}, __pow = 1, __unm = 1, __idiv = 1,
  __band = 1, __bor = 1, __bxor = 1, __shl = 1, __shr = 1, __bnot = 1, __concat = 1, __len = false, __eq = 1, __lt = 1, __le = 1, __call = 2 })
local n = setmetatable({}, { __eq = 1, __lt = 1, __index = 5, __newindex = setmetatable({}, { __newindex = true }) })
local out = {}
for _, f in ipairs({ function() return m + 1 end, function() return 1 - m end, function() return m * 1 end, function() return m / 1 end,
  function() return m % 1 end, function() return m ^ 1 end, function() return -m end, function() return m // 1 end, function() return m & 1 end,
  function() return 1 | m end, function() return m ~ 1 end, function() return m << 1 end, function() return m >> 1 end, function() return ~m end,
  function() return "a" .. m end, function() return #m end, function() return m == n end, function() return m ~= n end, function() return m < n end,
  function() return m > n end, function() return m <= n end, function() return m >= 1 end, function() return n <= m end, function() return m() end,
  function() return m:f() end, function() return n.x end, function() n[1] = 2 end, function() table.sort({ n, n }) end }) do
  out[#out + 1] = select(2, pcall(f))
end
return table.concat(out, " | ")`,
  ),
  open(
    "names starting with __shoal",
    { wasmoon: "refused on purpose: wasmoon's countdown guard reserves them (docs/lua-api.md), so load returns nil and a message naming the line" },
    `local __shoal_x = 1\nreturn __shoal_x`,
  ),
  open("math.log with a base", {
      fengari: "JavaScript's Math.log differs from glibc's log in the last bit: log(27)/log(3) is 3.0000000000000004",
      compiled: "JavaScript's Math.log differs from glibc's log in the last bit: log(27)/log(3) is 3.0000000000000004",
    }, `return math.log(27, 3)`),
];
