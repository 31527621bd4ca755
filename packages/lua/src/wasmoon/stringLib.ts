import { pushToString } from "./baseLib.ts";
import { LUA } from "./luaExports.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";
import { WASMOON_STRING_COSTS } from "../stringCosts.ts";

const { perRepetition, perScannedByte, perMappedByte } = WASMOON_STRING_COSTS;

const PERCENT = 0x25;
/** Characters that may follow '%' before the conversion: flags, width, precision. */
const SPEC = new Set([..."-+ #0123456789."].map((c) => c.charCodeAt(0)));

/** Runs Lua's own `lib.name` with the guard knowing a string is being built (so oversized buffers are refused with `what` in the message). */
function building(rt: WasmoonRuntime, L: number, original: string, what: string): number {
  const guard = rt.current().guard;
  const previous = guard.building;
  guard.building = what;
  try {
    return rt.callC(rt.original(original), L);
  } finally {
    guard.building = previous;
  }
}

/** string.rep, refusing before allocation any result longer than maxStringBytes, charging each copy before any is made, and instant for empty results. */
const rep: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  const length = heap.checkLength(L, 1);
  const n = x.luaL_checkinteger(L, 2);
  const sep = x.lua_type(L, 3) > LUA.TNIL ? heap.checkLength(L, 3) : 0;
  if (n >= 1n) {
    const count = Number(n);
    const bytes = length * count + sep * (count - 1);
    const guard = rt.current().guard;
    guard.checkString(bytes, "string.rep result");
    guard.tick(Math.floor(count * perRepetition));
    if (bytes === 0) {
      heap.pushString(L, "");
      return 1;
    }
  }
  return rt.callC(rt.original("string.rep"), L);
};

/**
 * string.format: Lua's, except that `%s` shows objects with their per-call `tostring` id
 * and `%p` (an address, different on every replica) is refused.
 */
const format: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  if (x.lua_isstring(L, 1) !== 0) {
    const fmt = heap.bytes(L, 1);
    const top = x.lua_gettop(L);
    let arg = 1;
    for (let i = 0; i < fmt.length; i++) {
      if (fmt[i] !== PERCENT) continue;
      if (fmt[++i] === PERCENT) continue;
      while (i < fmt.length && SPEC.has(fmt[i] as number)) i++;
      arg++;
      const conversion = String.fromCharCode(fmt[i] ?? 0);
      if (conversion === "p") return x.luaL_argerror(L, arg, heap.cstr("'%p' is not supported in the sandbox"));
      if (conversion === "s" && arg <= top && x.lua_type(L, arg) >= LUA.TTABLE) {
        pushToString(rt, L, arg);
        x.lua_copy(L, -1, arg);
        x.lua_settop(L, -2);
      }
    }
  }
  return building(rt, L, "string.format", "string");
};

/** Bytes of the string argument 1 (0 for other values, which Lua's function then coerces or refuses). */
function subjectBytes(rt: WasmoonRuntime, L: number): number {
  return rt.x.lua_type(L, 1) === LUA.TSTRING ? Number(rt.x.luaL_len(L, 1)) : 0;
}

/** Lua's own `string.name`, charged `perByte` instructions per byte of its subject before it runs. */
function perByte(name: string, cost: number): LibFunction {
  return (rt, L) => {
    rt.current().guard.tick(Math.floor(subjectBytes(rt, L) * cost));
    return rt.callC(rt.original(`string.${name}`), L);
  };
}

const gsub: LibFunction = (rt, L) => {
  rt.current().guard.tick(Math.floor(subjectBytes(rt, L) * perScannedByte));
  return building(rt, L, "string.gsub", "string");
};
const pack: LibFunction = (rt, L) => building(rt, L, "string.pack", "string");

/** Replacements for functions of Lua's string library. */
export const stringLib: Record<string, LibFunction> = {
  rep,
  format,
  gsub,
  pack,
  upper: perByte("upper", perMappedByte),
  lower: perByte("lower", perMappedByte),
  reverse: perByte("reverse", perMappedByte),
};
