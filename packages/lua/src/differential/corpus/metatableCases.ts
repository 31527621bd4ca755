import { casesOf } from "../DiffCase.ts";

/** Metatables and metamethods. */
export const metatableCases = casesOf("metatables", {
  "index and newindex": `local log = {}
    local proxy = setmetatable({}, {
      __index = function(_, k) return k .. "!" end,
      __newindex = function(t, k, v) log[#log + 1] = k rawset(t, k, v * 2) end,
    })
    proxy.a = 1 proxy.a = 5
    local chain = setmetatable({}, { __index = setmetatable({ y = 2 }, { __index = { z = 3 } }) })
    return proxy.x, proxy.a, table.concat(log, ","), chain.y, chain.z, chain.w`,
  "eq lt le": `local mt = {}
    mt.__eq = function(a, b) return a.v == b.v end
    mt.__lt = function(a, b) return a.v < b.v end
    mt.__le = function(a, b) return a.v <= b.v end
    local function V(v) return setmetatable({ v = v }, mt) end
    return V(1) == V(1), V(1) ~= V(2), V(1) < V(2), V(2) <= V(2), V(3) > V(2), V(1) >= V(2), rawequal(V(1), V(1))`,
  "eq results become booleans": `local mt = { __eq = function() return "yes" end, __lt = function() return nil end }
    local a, b = setmetatable({}, mt), setmetatable({}, mt)
    return a == b, a < b, a == 1`,
  "arithmetic metamethods": `local mt = {}
    for _, op in ipairs({ "add", "sub", "mul", "div", "mod", "pow", "unm", "idiv", "band", "bor", "bxor", "shl", "shr", "bnot", "concat" }) do
      mt["__" .. op] = function(a, b) return op end
    end
    local x = setmetatable({}, mt)
    return x + 1, 1 - x, x * x, x / 2, x % 2, x ^ 2, -x, x // 2, x & 1, 1 | x, x ~ 1, x << 1, x >> 1, ~x, x .. "s", "s" .. x`,
  "concat metamethod with numbers": `local mt = { __concat = function(a, b) return (type(a) == "table" and "T" or tostring(a)) .. "+" .. (type(b) == "table" and "T" or tostring(b)) end }
    local t = setmetatable({}, mt)
    return t .. 1, 1.5 .. t, "a" .. "b" .. t`,
  "call": `local callable = setmetatable({ base = 10 }, { __call = function(self, a, b) return self.base + a + (b or 0) end })
    return callable(1), callable(1, 2), pcall(callable, 5)`,
  "tostring and len": `local t = setmetatable({}, { __tostring = function() return "custom" end, __len = function() return 7 end })
    local bad = setmetatable({}, { __tostring = function() return 1 end })
    return tostring(t), #t, select(2, pcall(tostring, bad))`,
  "metatable field": `local t = setmetatable({}, { __metatable = "mine" })
    return getmetatable(t), select(2, pcall(setmetatable, t, {})), getmetatable("x"), getmetatable(1)`,
  "index on numbers errors": `return select(2, pcall(function() local n = 5 return n.x end)), select(2, pcall(function() return ("x").y.z end))`,
  "inheritance": `local Base = {} Base.__index = Base
    function Base.new(x) return setmetatable({ x = x }, Base) end
    function Base:get() return self.x end
    function Base:name() return "base" end
    local Derived = setmetatable({}, { __index = Base }) Derived.__index = Derived
    function Derived.new(x) local o = Base.new(x) return setmetatable(o, Derived) end
    function Derived:name() return "derived/" .. Base.name(self) end
    local d = Derived.new(4)
    return d:get(), d:name(), getmetatable(d) == Derived`,
  "rawget rawset rawequal": `local t = setmetatable({}, { __index = function() return "meta" end, __newindex = function() error("no") end })
    rawset(t, "k", 1)
    return t.k, t.other, rawget(t, "other"), rawequal(t, t), rawequal("a", "a"), rawequal(1, 1.0)`,
})
