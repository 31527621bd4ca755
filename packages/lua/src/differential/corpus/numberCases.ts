import { casesOf } from "../DiffCase.ts";

/** Integer and float arithmetic, conversions and the math library, within 32-bit integers. */
export const numberCases = casesOf("numbers", {
  "floor division": `return 7 // 2, -7 // 2, 7 // -2, -7 // -2, 7.5 // 2, -7.5 // 2, 7 // 2.0, 1 // 0.0 == 1/0, -1 // 0.0 == -1/0, 0.0 // 1`,
  "modulo": `return 7 % 3, -7 % 3, 7 % -3, -7 % -3, 5.5 % 2, -5.5 % 2, 5.5 % -2, 7 % 2.5, 3 % math.huge, -3 % math.huge == math.huge`,
  "integer division by zero": `return select(2, pcall(function(a, b) return a // b end, 1, 0)), select(2, pcall(function(a, b) return a % b end, 1, 0))`,
  "float division by zero": `local nan = 0/0
    return 1/0 == math.huge, -1/0 < 0, 1 % 0.0 ~= 1 % 0.0, nan ~= nan, 1/0 > math.maxinteger, 1/(-(0/1)) < 0`,
  "exponent": `return 2^10, 2^0.5, 2^-1, 0^0, (-2)^2, (-8)^3, 10^-2, 2^2^3, -2^2`,
  "division": `return 7 / 2, 1 / 3, -1 / 3, 6 / 2, math.type(6 / 2), 1e308 / 1e-10 == math.huge, 3 / -0.5`,
  "integer and float equality": `return 1 == 1.0, 2^53 == 2^53 + 1, math.type(1), math.type(1.0), math.type("1"), 0.0 == -0.0, 3 < 3.5, -1 < -0.5`,
  "tointeger": `return math.tointeger(3.0), math.tointeger(3.5), math.tointeger(-0.0), math.tointeger(2^30), math.tointeger("x"), math.tointeger(1e100)`,
  "floor and ceil": `return math.floor(3.7), math.floor(-3.5), math.ceil(3.2), math.ceil(-3.7), math.floor(5), math.type(math.floor(2.0)), math.floor(1e100), math.ceil(-0.5)`,
  "fmod and modf": `return math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(7.5, 2), math.modf(3.7), math.modf(-3.7), math.modf(5), math.modf(-0.5)`,
  "fmod by zero": `return pcall(math.fmod, 1, 0), math.fmod(1, 0.0) ~= math.fmod(1, 0.0)`,
  "abs max min": `return math.abs(-5), math.abs(-5.5), math.max(1, 2.0, -3), math.min(1, 2.0, -3), math.max(2, 2.0), 1 / math.min(-0.0, 0) > 0, math.type(math.max(1, 1.0))`,
  "max without arguments": `return pcall(math.max)`,
  "sqrt exp log": `return math.sqrt(2), math.sqrt(16), math.exp(1), math.log(8, 2), math.log(100, 10), math.log(1000, 10), math.log(2.718281828459045), math.log(1024, 2), math.log(0.5)`,
  "trigonometry": `return math.sin(1), math.cos(1), math.tan(1), math.asin(0.5), math.acos(0.5), math.atan(1), math.atan(1, -1), math.atan(-0.0, -1), math.pi`,
  "no Lua 5.3 compatibility functions": `return math.pow, math.log10, math.ldexp, math.cosh, unpack, table.getn, loadstring`,
  "ult and huge": `return math.ult(1, 2), math.ult(-1, 2), math.huge == 1/0, -math.huge < math.mininteger`,
  "bitwise": `return 5 & 3, 5 | 3, 5 ~ 3, ~0, ~5, 1 << 4, 256 >> 4, 1 << -1, 2 >> -1, 3.0 & 1, 6 ~ 3.0`,
  "bitwise errors": `return select(2, pcall(function() return 1.5 & 1 end)), select(2, pcall(function() return {} | 1 end))`,
  "tostring of numbers": `return tostring(1), tostring(1.0), tostring(-1.5), tostring(123456789012.0), tostring(0.1), tostring(1/3), tostring(1e100), tostring(1e-4), tostring(3.14159265358979), tostring(12345678901234.0)`,
  "tonumber": `return tonumber("10"), tonumber("  10  "), tonumber("0x10"), tonumber("0X1F"), tonumber("1e1"), tonumber(".5"), tonumber("5."), tonumber("0x1p4"), tonumber("-0x10"), tonumber("1.5e+2")`,
  "tonumber rejects": `return tonumber(""), tonumber(" "), tonumber("1 2"), tonumber("0x"), tonumber("1e"), tonumber("inf"), tonumber("nan"), tonumber("abc"), tonumber(nil), tonumber({})`,
  "tonumber with a base": `return tonumber("ff", 16), tonumber("FF", 16), tonumber("zz", 36), tonumber("777", 8), tonumber("102", 2), tonumber("-ff", 16), tonumber("  11  ", 2), tonumber("1.5", 10), tonumber(10, 16)`,
  "tonumber base errors": `return select(2, pcall(tonumber, "10", 1)), select(2, pcall(tonumber, "10", 37)), select(2, pcall(tonumber, 10, 16))`,
  "numeric for": `local out = {}
    for i = 1, 3 do out[#out + 1] = i end
    for i = 3, 1, -1 do out[#out + 1] = i end
    for i = 1, 2, 0.5 do out[#out + 1] = i end
    for i = 1, 0 do out[#out + 1] = "never" end
    for i = 1.0, 3 do out[#out + 1] = i end
    local n = 0
    for _ = 0, 1, 0.1 do n = n + 1 end
    out[#out + 1] = n
    return table.concat(out, " ")`,
  "for loop variable is a copy": `local out = {}
    for i = 1, 3 do local j = i i = i * 10 out[#out + 1] = j .. ":" .. i end
    return table.concat(out, " ")`,
  "arithmetic on float strings": `return "2.0" * 3, "2" ^ "2", "1.5" + 0.5, "0x10" + 0.0`,
  "comparison errors": `return select(2, pcall(function() return 1 < "2" end)), select(2, pcall(function() return {} < {} end)), select(2, pcall(function() return nil > 1 end))`,
  "mixed int float sums": `local s, f = 0, 0.0
    for i = 1, 100 do s = s + i f = f + i / 10 end
    return s, f, math.type(s), math.type(f), s / 100, s // 7, f // 7`,
})
