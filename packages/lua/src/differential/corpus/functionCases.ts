import { casesOf, type DiffCase } from "../DiffCase.ts";

const tailCalls: DiffCase = {
  name: "functions: tail calls do not grow the stack",
  source: `local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end
    return loop(100000, 0)`,
  open: { compiled: "no proper tail calls: deep tail recursion ends in stack overflow at 1,000 nested calls" },
};

/** Closures, coroutines, goto and control flow. */
export const functionCases: DiffCase[] = [tailCalls, ...casesOf("functions", {
  "counters share upvalues": `local function counter()
      local n = 0
      return function() n = n + 1 return n end, function() return n end
    end
    local inc, get = counter()
    inc() inc()
    local inc2 = counter()
    inc2()
    return get(), inc(), inc2()`,
  "each loop iteration has its own local": `local fs = {}
    for i = 1, 3 do fs[i] = function() return i end end
    local k = 0
    local gs = {}
    while k < 3 do k = k + 1 local j = k gs[k] = function() return j end end
    return fs[1](), fs[3](), gs[1](), gs[3]()`,
  "recursion": `local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
    local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
    return fib(20), fact(12), fact(15.0)`,
  "methods and self": `local Account = {}
    Account.__index = Account
    function Account.new(b) return setmetatable({ balance = b }, Account) end
    function Account:deposit(v) self.balance = self.balance + v return self end
    return Account.new(10):deposit(5):deposit(2.5).balance`,
  "coroutine resume and yield": `local co = coroutine.create(function(a, b)
      local c = coroutine.yield(a + b)
      local d, e = coroutine.yield(c * 2)
      return d + e, "done"
    end)
    local out = {}
    for _, args in ipairs({ { 1, 2 }, { 10 }, { 3, 4 }, {} }) do
      local r = table.pack(coroutine.resume(co, table.unpack(args)))
      out[#out + 1] = tostring(r[1]) .. "/" .. tostring(r[2]) .. "/" .. tostring(r[3]) .. "/" .. coroutine.status(co)
    end
    return table.concat(out, " ")`,
  "coroutine values and status": `local co = coroutine.create(function(...) local x = coroutine.yield(select("#", ...)) return x, coroutine.isyieldable() end)
    local r = { coroutine.resume(co, 1, nil, 3) }
    local s1 = coroutine.status(co)
    local r2 = { coroutine.resume(co, "v") }
    return r[1], r[2], s1, r2[1], r2[2], r2[3], coroutine.status(co), coroutine.resume(co)`,
  "coroutine wrap generators": `local function range(n) return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) end
    local s = 0
    for i in range(10) do s = s + i end
    local gen = coroutine.wrap(function() coroutine.yield(1) end)
    gen() gen()
    return s, select(2, pcall(gen))`,
  "coroutine errors": `local co = coroutine.create(function() error("inside") end)
    local co2 = coroutine.create(function() error({ code = 7 }) end)
    local ok2, e2 = coroutine.resume(co2)
    return coroutine.resume(co), coroutine.status(co), ok2, e2.code, select(2, pcall(coroutine.yield)), coroutine.isyieldable()`,
  "yield across pcall": `local co = coroutine.wrap(function()
      local ok, v = pcall(function() local x = coroutine.yield("in pcall") return x * 2 end)
      return ok, v
    end)
    return co(), co(21)`,
  "running": `local main, ismain = coroutine.running()
    local inner
    coroutine.wrap(function() local co, m = coroutine.running() inner = type(co) .. tostring(m) end)()
    return type(main), ismain, inner`,
  "goto continue": `local out = {}
    for i = 1, 10 do
      if i % 3 == 0 then goto continue end
      out[#out + 1] = i
      ::continue::
    end
    return table.concat(out, ",")`,
  "goto out of nested loops": `local found
    for i = 1, 5 do
      for j = 1, 5 do
        if i * j == 12 then found = i .. "x" .. j goto done end
      end
    end
    ::done::
    return found`,
  "goto backwards": `local i, s = 1, 0
    ::top::
    s = s + i
    i = i + 1
    if i <= 10 then goto top end
    return s`,
  "goto errors": `return select(2, load("goto nowhere")), select(2, load("do local x ::l:: end goto l")), select(2, load("::a:: ::a::"))`,
  "while repeat break": `local i, out = 0, {}
    while true do i = i + 1 if i > 3 then break end out[#out + 1] = i end
    repeat local z = i i = i - 1 until z <= 2
    out[#out + 1] = i
    return table.concat(out, ",")`,
  "and or not": `return nil or "d", false and 1, 0 and "zero is true", "" and "empty is true", not nil, not 0, 1 and nil, false or nil, nil and nil`,
  "multiple assignment order": `local a, b, c = 1
    local x, y = 1, 2
    x, y = y, x
    local t = { 1, 2 }
    local i = 1
    i, t[i] = i + 1, 20
    return a, b, c, x, y, t[1], t[2], i`,
  "string methods through the metatable": `local s = "abc"
    return s:upper(), ("%d"):format(5), #s:rep(3), s:byte(-1)`,
  "load with an env and chunk names": `local env = { x = 5 }
    local f = load("return x", "=named", "t", env)
    local g, e = load("return +", "=named")
    local h = load("x = 1; return x")
    local pieces = { "return ", "1 ", "+ 1" }
    local i = 0
    local k = load(function() i = i + 1 return pieces[i] end)
    return f(), e, h(), k(), select(2, load("error('x')", "@file.lua"))`,
  "load with a reader that fails": `local f, e = load(function() return true end)
    local g, e2 = load(function() error("in reader") end)
    local h, e3 = load(function() error({ code = 1 }) end)
    local pieces, i = { "return ", 4, "2" }, 0
    local k = load(function() i = i + 1 return pieces[i] end)
    return f, (e:gsub("^[^:]*:%d+: ", "")), g, e2, h, e3.code, k()`,
  "load sees the globals": `y = 10
    return load("return y")(), load("return y", "=c", "t")()`,
})];
