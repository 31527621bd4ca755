/**
 * The Lua that runs differential cases the same way everywhere. Each case gets a fresh copy
 * of the globals and of every library table (as each map call gets), with a `load` that
 * defaults to those globals as the sandbox's does. The case's chunk is loaded as "=case" (so
 * messages read `case:LINE: ...` on every side) and called under pcall, and what it returned,
 * or its error, becomes one line of printable ASCII: numbers as `tostring` gives them, NaN as
 * `nan` (printf's sign for it differs by machine), and a finite float whose `tostring` does
 * not read back exactly also in its exact hexadecimal form (`%a`); strings quoted with every
 * byte outside printable ASCII as `\DDD`; tables, functions and coroutines only by type (their
 * addresses differ by design). The driver keeps what it uses in locals, so a case that
 * replaces `tostring` does not change how results are shown.
 */
const DRIVER_LUA = `
local tostring, type, select, pcall, load, tonumber, pairs = tostring, type, select, pcall, load, tonumber, pairs
local format, byte, gsub, concat, mtype = string.format, string.byte, string.gsub, table.concat, math.type
local function escape(c) return format("\\\\%03d", byte(c)) end
local function show1(v)
  local t = type(v)
  if t == "string" then return '"' .. gsub(v, "[^]-~ -!#-[]", escape) .. '"' end
  if t == "number" then
    if v ~= v then return "nan" end
    local s = tostring(v)
    if mtype(v) == "float" and v == v and v - v == 0 and tonumber(s) ~= v then s = s .. "~" .. format("%a", v) end
    return s
  end
  if t == "nil" or t == "boolean" then return tostring(v) end
  return t
end
local function report(ok, ...)
  if not ok then return "error: " .. show1((...)) end
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = show1((select(i, ...))) end
  return concat(parts, ", ")
end
local getmetatable, setmetatable = getmetatable, setmetatable
local base = {}
for k, v in pairs(_G) do base[k] = v end
local function freshEnv()
  local env = {}
  for k, v in pairs(base) do
    if type(v) == "table" and k ~= "_G" then
      local copy = {}
      for f, g in pairs(v) do copy[f] = g end
      -- fengari's math has a metatable that refuses maxinteger and mininteger: keep it.
      local mt = getmetatable(v)
      if type(mt) == "table" then setmetatable(copy, mt) end
      env[k] = copy
    else env[k] = v end
  end
  env._G = env
  env.load = function(...)
    if select("#", ...) >= 4 then return load(...) end
    local chunk, name, mode = ...
    return load(chunk, name, mode, env)
  end
  return env
end
local function runCase(src)
  local f, err = load(src, "=case", "t", freshEnv())
  if not f then return "load error: " .. show1(err) end
  return report(pcall(f))
end
`;

/** `text` as a Lua long-bracket string literal that reads back exactly (the leading newline Lua skips is doubled). */
export function luaLongString(text: string): string {
  let eq = "";
  while ((text + `]${eq}]`).indexOf(`]${eq}]`) < text.length) eq += "=";
  return `[${eq}[\n${text}]${eq}]`;
}

const sourcesTable = (sources: readonly string[]) => `local SOURCES = {\n${sources.map(luaLongString).join(",\n")}\n}`;

/** A job whose map call runs case number `p.case` (1-based) of `caseSources` and returns its outcome line. */
export function engineJob(caseSources: readonly string[]): string {
  return `${DRIVER_LUA}\n${sourcesTable(caseSources)}\nfunction map(_, p) return runCase(SOURCES[p.case]) end\n`;
}

/**
 * A script for native lua5.4 that prints each case's outcome line. Before the driver copies
 * the globals it takes away what the sandbox does not give (io, os, package, debug, require,
 * dofile, loadfile, warn, string.dump, and the math functions Debian's LUA_COMPAT_5_3 build
 * keeps) and locks the string metatable as the sandbox does.
 */
export function nativeScript(caseSources: readonly string[]): string {
  return `local write = io.write
for _, name in ipairs({ "io", "os", "package", "debug", "require", "dofile", "loadfile", "warn" }) do _G[name] = nil end
string.dump = nil
for _, name in ipairs({ "pow", "log10", "ldexp", "frexp", "cosh", "sinh", "tanh" }) do math[name] = nil end
getmetatable("").__metatable = "locked"
${DRIVER_LUA}
${sourcesTable(caseSources)}
for i = 1, #SOURCES do write(runCase(SOURCES[i]), "\\n") end
`;
}
