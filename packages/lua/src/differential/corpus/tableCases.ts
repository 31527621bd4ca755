import { casesOf } from "../DiffCase.ts";

/** Tables, the table library, sorting, ipairs and numeric-for iteration, varargs. */
export const tableCases = casesOf("tables", {
  "length and insert remove": `local t = { 10, 20, 30 }
    table.insert(t, 40) table.insert(t, 1, 5) local r = table.remove(t, 2) local last = table.remove(t)
    return #t, table.concat(t, ","), r, last, table.remove({}), #t`,
  "insert position errors": `return select(2, pcall(table.insert, { 1 }, 5, 2)), select(2, pcall(table.insert, { 1 }, 1, 2, 3)), select(2, pcall(table.insert, {}, 0, 1))`,
  "concat": `return table.concat({ 1, 2.5, "x" }, "-"), table.concat({}, ","), table.concat({ "a", "b", "c" }, ", ", 2, 3), table.concat({ "a" }, ",", 3, 2)`,
  "concat of a bad value": `return select(2, pcall(table.concat, { 1, {}, 3 })), select(2, pcall(table.concat, { 1, 2 }, ",", 1, 3))`,
  "pack and unpack": `local p = table.pack(1, nil, 3, nil)
    return p.n, p[3], table.unpack({ 1, 2, 3 }), table.unpack({ 1, 2, 3 }, 2), table.unpack({ 1, 2, 3 }, 2, 5), select("#", table.unpack({}, 1, 3))`,
  "move": `local a = { 1, 2, 3, 4, 5 }
    table.move(a, 1, 3, 3)
    local b = table.move({ 1, 2, 3 }, 1, 3, 2, { "x" })
    return table.concat(a, ","), table.concat(b, ","), #table.move({}, 1, 0, 1)`,
  "sort numbers and strings": `local n = { 5, 2, 8, -1, 3.5, 0, 2 }
    local s = { "pear", "Apple", "fig", "apple", "", "banana" }
    table.sort(n) table.sort(s)
    return table.concat(n, " "), table.concat(s, " ")`,
  "sort with a comparator": `local t = {}
    for i = 1, 60 do t[i] = (i * 37) % 61 end
    table.sort(t, function(a, b) return a > b end)
    local recs = { { k = "b", v = 2 }, { k = "a", v = 3 }, { k = "c", v = 1 } }
    table.sort(recs, function(x, y) return x.v < y.v end)
    return table.concat(t, " "), recs[1].k .. recs[2].k .. recs[3].k`,
  "sort of a long array": `local t, x = {}, 7
    for i = 1, 500 do x = (x * 1103 + 12345) % 65536 t[i] = x end
    table.sort(t)
    local ok = true
    for i = 2, #t do if t[i - 1] > t[i] then ok = false end end
    return ok, t[1], t[250], t[500]`,
  "sort errors": `return select(2, pcall(table.sort, { 1, "x", 2 })), select(2, pcall(table.sort, { 3, 2, 1 }, 1))`,
  "ipairs stops at the first nil": `local out = {}
    for i, v in ipairs({ 1, 2, nil, 4 }) do out[#out + 1] = i .. "=" .. v end
    return table.concat(out, " ")`,
  "ipairs respects __index": `local t = setmetatable({}, { __index = function(_, i) if i <= 3 then return i * i end end })
    local out = {}
    for i, v in ipairs(t) do out[#out + 1] = v end
    return table.concat(out, " ")`,
  "float keys normalise": `local t = {}
    t[1.0] = "a" t[2] = "b" t[2^30] = "c" t[-0.0] = "z"
    return t[1], t[2.0], t[2^30 | 0], #t, t[0], rawget(t, 1.0)`,
  "key errors": `return select(2, pcall(function() local t = {} t[nil] = 1 end)), select(2, pcall(function() local t = {} t[0/0] = 1 end)), ({})[nil]`,
  "constructors": `local function f() return 1, 2, 3 end
    local t = { f(), f() }
    local u = { f(), (f()) }
    local v = { [1] = "a", "b", x = 1, [2 + 1] = "c", f() }
    return #t, #u, v[1], v[2], v[3], v.x`,
  "length with __len": `local t = setmetatable({ 1, 2 }, { __len = function() return 42 end })
    return #t, rawlen(t), rawlen("abc")`,
  "select": `return select("#"), select("#", nil, nil), select(2, "a", "b", "c"), select(-1, "a", "b", "c"), select(-3, "a", "b", "c")`,
  "select errors": `return select(2, pcall(select, 0, 1)), select(2, pcall(select, -2, 1))`,
  "varargs": `local function count(...) return select("#", ...) end
    local function pass(...) return ... end
    local function first(...) local a = ... return a end
    local function tail(_, ...) return ... end
    return count(pass(1, nil, nil)), count((pass(1, 2))), first(9, 8), tail(1, 2, 3), count(tail())`,
  "varargs in tables and calls": `local function f(...) local t = { ... } local u = { ..., "end" } return #t, #u, u[2] end
    return f(1, 2, 3)`,
  "nested tables by numeric for": `local grid = {}
    for i = 1, 4 do grid[i] = {} for j = 1, 4 do grid[i][j] = i * j end end
    local rows = {}
    for i = 1, #grid do rows[i] = table.concat(grid[i], ",") end
    return table.concat(rows, ";")`,
})
