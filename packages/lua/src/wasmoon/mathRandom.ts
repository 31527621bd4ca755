import type { LibFunction } from "./WasmoonRuntime.ts";

const MAXINT = 0x7fffffffffffffffn;

/** `math.random` with Lua 5.3's forms and errors (as on fengari), drawing from the call's seeded Xoshiro128. */
const random: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  const r = rt.current().random.nextFloat();
  let low: bigint;
  let up: bigint;
  switch (x.lua_gettop(L)) {
    case 0:
      x.lua_pushnumber(L, r);
      return 1;
    case 1:
      low = 1n;
      up = x.luaL_checkinteger(L, 1);
      break;
    case 2:
      low = x.luaL_checkinteger(L, 1);
      up = x.luaL_checkinteger(L, 2);
      break;
    default:
      return rt.raise(L, "wrong number of arguments");
  }
  if (low > up) return x.luaL_argerror(L, 1, heap.cstr("interval is empty"));
  if (!(low >= 0n || up <= MAXINT + low)) return x.luaL_argerror(L, 1, heap.cstr("interval too large"));
  const k = BigInt(Math.floor(r * (Number(up - low) + 1)));
  x.lua_pushinteger(L, low + (k > up - low ? up - low : k));
  return 1;
};

/** `math.randomseed(x)`: restarts the call's sequence from `x`, deterministically. */
const randomseed: LibFunction = (rt, L) => {
  rt.current().random.seed(rt.x.luaL_checknumber(L, 1));
  return 0;
};

/** Replacements for the math library's random functions. */
export const mathRandom: Record<string, LibFunction> = { random, randomseed };
