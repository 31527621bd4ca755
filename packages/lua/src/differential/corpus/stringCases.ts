import { casesOf } from "../DiffCase.ts";

/** string.find/match/gmatch/gsub with captures, anchors and classes, and the byte-level string functions. */
export const stringCases = casesOf("strings", {
  "find plain and with init": `local s = "hello world, hello moon"
    return s:find("hello"), s:find("hello", 2), s:find("o w", 1, true), s:find("", 30), s:find("", 24), s:find("l+", -6), s:find("x")`,
  "find with captures and position captures": `return ("key = value"):find("(%w+)%s*=%s*(%w+)"), ("abc"):find("()b()"), ("aaa"):find("^(a-)a$")`,
  "match anchors": `return ("  trim me  "):match("^%s*(.-)%s*$"), ("abc"):match("^b"), ("abc"):match("c$"), ("a$c"):match("%$"), ("x^y"):match("^x%^")`,
  "match classes": `local s = "Ab1 _\\t\\n!~\\0\\200\\255"
    local out = {}
    for _, c in ipairs({ "%a", "%d", "%l", "%u", "%s", "%w", "%x", "%p", "%c", "%g", "%A", "%S", "[%w_]", "[^%s]", "[a-c1]", "[]]", "[%]]", "[^]]" }) do
      local n = select(2, s:gsub(c, ""))
      out[#out + 1] = c .. "=" .. n
    end
    return table.concat(out, " ")`,
  "match quantifiers": `return ("aaab"):match("a-b"), ("aaab"):match("a*"), ("aaab"):match("a+?"), ("b"):match("a?b"), ("<<x>>"):match("<(.-)>"), ("<<x>>"):match("<(.*)>")`,
  "balanced and frontier": `return ("f(a(b)c) d"):match("%b()"), ("THE (quick) fox"):gsub("%f[%a]%a+", "W"), ("x[[y]]z"):match("%b[]"), ("aXb"):find("%f[%u]")`,
  "back references": `return ('say "hi" and \\'yo\\''):match("([\\"'])(.-)%1"), ("abcabc"):match("(abc)%1"), ("aa bb cd"):gsub("(%a)%1", "<%1%1>")`,
  "gmatch words and pairs": `local out = {}
    for k, v in ("a=1, b=22, c=333"):gmatch("(%w+)=(%w+)") do out[#out + 1] = k .. ":" .. v end
    for w in ("one two  three"):gmatch("%a+") do out[#out + 1] = w end
    for p in ("abc"):gmatch("()") do out[#out + 1] = p end
    return table.concat(out, ",")`,
  "gmatch with a caret": `local out = {}
    for w in ("^a^b"):gmatch("^%a") do out[#out + 1] = w end
    return #out, table.concat(out, ",")`,
  "gmatch from a start position": `local out = {}
    for c in string.gmatch("abcd", "()(.)", 3) do out[#out + 1] = c end
    return table.concat(out, ",")`,
  "gsub with strings": `return ("hello world"):gsub("o", "0"), ("hello"):gsub("", "-"), ("abc"):gsub("%w", "%0%0"), ("abc"):gsub("(b)", "[%1]"), ("50%"):gsub("%%", "%%%%"), ("abc"):gsub("b", "%%")`,
  "gsub with tables and functions": `local t = { name = "Lua", ver = 5.4 }
    return ("$name $ver $none"):gsub("%$(%w+)", t), ("1 2 3"):gsub("%d", function(d) return d * 2 end), ("a b"):gsub("%a", function() return false end), ("abc"):gsub(".", { a = 1, b = true })`,
  "gsub limits and anchors": `return ("aaaa"):gsub("a", "b", 2), ("aaaa"):gsub("^a", "b"), ("hello world"):gsub("o*", "-"), ("abc"):gsub("x*", "."), ("abc"):gsub(".", "%1"), ("a,b,,c"):gsub(",", ";", 0)`,
  "gsub errors": `local ok, e = pcall(string.gsub, "abc", "(", "x")
    local ok2, e2 = pcall(string.gsub, "abc", "b", "%2")
    local ok3, e3 = pcall(string.gsub, "abc", "%", "x")
    local ok4, e4 = pcall(string.find, "abc", "[a")
    return e, e2, e3, e4`,
  "sub byte char": `local s = "abcdef"
    return s:sub(2, 4), s:sub(-3), s:sub(-100, 2), s:sub(5, 100), s:sub(0), s:sub(4, 3), s:byte(1, -1), s:byte(10), string.char(72, 105, 0, 255):byte(1, -1)`,
  "rep upper lower reverse len": `return ("ab"):rep(3, "-"), ("x"):rep(0), ("x"):rep(-1), ("MiXeD 1\\200"):upper(), ("MiXeD"):lower(), ("abc"):reverse(), #"a\\0b", ("a\\0b"):len()`,
  "string comparisons": `return "a" < "b", "" < "a", "Z" < "a", "abc" < "abd", "ab" < "abc", "a\\0b" < "a\\0c", "\\200" > "a", "10" < "9"`,
  "string coercions": `return "3.0" + 1, 10 .. 20, 1.5 .. "", -7 .. "|", 0.1 .. "", "1e2" + 0, " 2.5 " * 2`,
  "bad concatenation": `return pcall(function() local t = {} return t .. "x" end)`,
  "string library errors": `local msgs = {}
    for _, f in ipairs({ function() return ("x"):rep(1.5) end, function() return string.sub() end, function() return ("x"):bad() end,
        function() return string.char(256) end, function() return string.char(65, -1) end, function() return string.byte("a", {}) end }) do
      msgs[#msgs + 1] = select(2, pcall(f))
    end
    return table.concat(msgs, " | ")`,
})
