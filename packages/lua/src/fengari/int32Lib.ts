import fengari from "fengari";
import type { CFunction, LuaState } from "fengari";
import { beyondInt32 } from "./int32Overflow.ts";
import { int64Numeral } from "./int64Numeral.ts";

const { lua, lauxlib, to_luastring } = fengari;
const INT64_RANGE = 2 ** 63;
const fitsInt32 = (n: number) => (n | 0) === n;
/** A float Lua 5.4 turns into an integer that fengari cannot hold. */
const beyondAsInteger = (x: number) => x >= -INT64_RANGE && x < INT64_RANGE && !fitsInt32(x);

function refuse(L: LuaState, what: string): never {
  return lauxlib.luaL_error(L, to_luastring("%s"), to_luastring(beyondInt32(what)));
}

function floatArg(L: LuaState): number | null {
  return lua.lua_type(L, 1) === lua.LUA_TNUMBER && !lua.lua_isinteger(L, 1) ? lua.lua_tonumber(L, 1) : null;
}

/**
 * Library functions whose Lua 5.4 result is an integer fengari's 32 bits cannot hold; each
 * wraps the original and raises instead of answering otherwise (nil, a float, a wrapped value).
 */
export const int32Lib = {
  math(original: Record<string, CFunction>): Record<string, CFunction> {
    const tointeger = original["tointeger"]!;
    const floor = original["floor"]!;
    const ceil = original["ceil"]!;
    const abs = original["abs"]!;
    const rounding = (fn: CFunction, round: (x: number) => number, name: string): CFunction => (L) => {
      const x = floatArg(L);
      if (x !== null && beyondAsInteger(round(x))) refuse(L, `math.${name}(${x}) = ${round(x)}`);
      return fn(L);
    };
    return {
      tointeger: rounding(tointeger, (x) => (Number.isInteger(x) ? x : 0), "tointeger"),
      floor: rounding(floor, Math.floor, "floor"),
      ceil: rounding(ceil, Math.ceil, "ceil"),
      abs: (L) => {
        if (lua.lua_isinteger(L, 1) && lua.lua_tointeger(L, 1) === -0x80000000) refuse(L, "math.abs(-2147483648) = 2147483648");
        return abs(L);
      },
    };
  },

  /** tonumber(s, base), whose digits Lua 5.4 reads into 64 bits. */
  tonumber(original: CFunction): CFunction {
    return (L) => {
      if (lua.lua_type(L, 2) > 0 && lua.lua_type(L, 1) === lua.LUA_TSTRING && lua.lua_isinteger(L, 2)) {
        const base = lua.lua_tointeger(L, 2);
        const n = base >= 2 && base <= 36 ? int64Numeral(lua.lua_tostring(L, 1)!, base) : null;
        if (n !== null && (n < -(1n << 31n) || n >= 1n << 31n)) refuse(L, `tonumber(..., ${base}) = ${n}`);
      }
      return original(L);
    };
  },

  /** string.pack, packsize and unpack: 'j', 'J', 'l', 'L' and 'T' are 8 bytes in Lua 5.4, 4 in fengari, and an unpacked 'I4' may pass 2^31. */
  string(original: Record<string, CFunction>): Record<string, CFunction> {
    const checked = (name: string): CFunction => {
      const fn = original[name]!;
      return (L) => {
        const options = packOptions(lauxlib.luaL_checkstring(L, 1));
        const wide = options.find((o) => "jJlLT".includes(o));
        if (wide !== undefined) refuse(L, `string.${name} option '${wide}' (8 bytes in Lua 5.4)`);
        const results = fn(L);
        if (name === "unpack") {
          const first = lua.lua_gettop(L) - results + 1;
          options.forEach((o, i) => {
            const v = lua.lua_tointeger(L, first + i);
            if ((o === "I" || o === "I4") && v < 0) refuse(L, `string.unpack option '${o}' value ${v + 2 ** 32}`);
          });
        }
        return results;
      };
    };
    return { pack: checked("pack"), packsize: checked("packsize"), unpack: checked("unpack") };
  },
};

/**
 * Takes math.maxinteger and math.mininteger out of the math table at `index` (Lua 5.4's are
 * 2^63-1 and -2^63; fengari's would be 32-bit) and gives it a metatable whose __index raises
 * for those two names, so reading either is an error rather than another number. Each call's
 * environment gets its own copy of that metatable (see sandbox.ts), so changing it leaks nowhere.
 */
export function hideIntegerLimits(L: LuaState, index: number): void {
  const math = lua.lua_absindex(L, index);
  for (const name of ["maxinteger", "mininteger"]) {
    lua.lua_pushnil(L);
    lua.lua_setfield(L, math, name);
  }
  lua.lua_createtable(L, 0, 2);
  lua.lua_pushcfunction(L, (L) => {
    const key = lua.lua_type(L, 2) === lua.LUA_TSTRING ? fengari.to_jsstring(lua.lua_tostring(L, 2)!) : "";
    if (key === "maxinteger") refuse(L, "math.maxinteger (9223372036854775807 in Lua 5.4)");
    if (key === "mininteger") refuse(L, "math.mininteger (-9223372036854775808 in Lua 5.4)");
    return 0;
  });
  lua.lua_setfield(L, -2, "__index");
  lua.lua_setmetatable(L, math);
}

/** The options of a pack format that each give one value, with their sizes ("i4", "j"), in order. */
function packOptions(format: Uint8Array): string[] {
  const text = String.fromCharCode(...format);
  const options: string[] = [];
  for (const [, align, option] of text.matchAll(/(X?)([a-zA-Z!<>=\s]\d*)/g)) {
    if (align !== "" || /^[\s<>=!x]/.test(option!)) {
      if (align !== "" && /^[jJlLT]/.test(option!)) options.push(option!);
      continue;
    }
    options.push(option!);
  }
  return options;
}
