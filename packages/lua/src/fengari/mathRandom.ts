import fengari from "fengari";
import type { CFunction } from "fengari";
import { callContext } from "./CallContext.ts";

const { lua, lauxlib } = fengari;
const MAXINT = 2147483647;

/** `math.random` with Lua 5.3 semantics, drawing from the call's seeded Xoshiro128 instead of Math.random. */
const random: CFunction = (L) => {
  const r = callContext(L).random.nextFloat();
  let low: number;
  let up: number;
  switch (lua.lua_gettop(L)) {
    case 0:
      lua.lua_pushnumber(L, r);
      return 1;
    case 1:
      low = 1;
      up = lauxlib.luaL_checkinteger(L, 1);
      break;
    case 2:
      low = lauxlib.luaL_checkinteger(L, 1);
      up = lauxlib.luaL_checkinteger(L, 2);
      break;
    default:
      return lauxlib.luaL_error(L, "wrong number of arguments");
  }
  if (low > up) lauxlib.luaL_argerror(L, 1, "interval is empty");
  if (!(low >= 0 || up <= MAXINT + low)) lauxlib.luaL_argerror(L, 1, "interval too large");
  lua.lua_pushinteger(L, Math.floor(r * (up - low + 1)) + low);
  return 1;
};

/** `math.randomseed(x)`: restarts the call's sequence from `x`, deterministically. */
const randomseed: CFunction = (L) => {
  callContext(L).random.seed(lauxlib.luaL_checknumber(L, 1));
  return 0;
};

/** Replacements for the math library's random functions. */
export const mathRandom: Record<string, CFunction> = { random, randomseed };
