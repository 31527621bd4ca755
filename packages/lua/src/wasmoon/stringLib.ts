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

/** True when argument `arg` is a float between 0 and 2^-1022: musl's %a writes 0x1p-1074 where glibc writes 0x0.0000000000001p-1022. */
function isSubnormal(rt: WasmoonRuntime, L: number, arg: number): boolean {
  const { x } = rt;
  if (x.lua_type(L, arg) !== LUA.TNUMBER || x.lua_isinteger(L, arg) !== 0) return false;
  const n = Math.abs(x.lua_tonumberx(L, arg, 0));
  return n > 0 && n < 2 ** -1022;
}

/**
 * string.format: Lua's, except that `%s` shows objects with their per-call `tostring` id
 * and `%p` (an address, different on every replica) and `%a`/`%q` of subnormal floats are refused.
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
      if ((conversion === "a" || conversion === "A" || conversion === "q") && arg <= top && isSubnormal(rt, L, arg)) {
        return x.luaL_argerror(L, arg, heap.cstr(`'%${conversion}' of a subnormal float is written otherwise by wasmoon's C library than by Lua 5.4 on Linux`));
      }
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

/** Pack options whose size is C's long or size_t: 4 bytes in wasmoon (wasm32), 8 in Lua 5.4 on 64-bit Linux. */
const WASM32_SIZED = new Set([..."lLT"].map((c) => c.charCodeAt(0)));

/** string.pack, packsize and unpack, refusing the options whose size would silently differ from Lua 5.4's. */
function packing(run: LibFunction): LibFunction {
  return (rt, L) => {
    const { x, heap } = rt;
    if (x.lua_isstring(L, 1) !== 0) {
      const option = heap.bytes(L, 1).find((b) => WASM32_SIZED.has(b));
      if (option !== undefined) {
        const c = String.fromCharCode(option);
        return x.luaL_argerror(L, 1, heap.cstr(`option '${c}' is 4 bytes in wasmoon (wasm32), 8 in Lua 5.4 on 64-bit Linux; write ${c === "l" ? "i8" : "I8"} instead`));
      }
    }
    return run(rt, L);
  };
}

const pack = packing((rt, L) => building(rt, L, "string.pack", "string"));
const packsize = packing((rt, L) => rt.callC(rt.original("string.packsize"), L));
const unpack = packing((rt, L) => rt.callC(rt.original("string.unpack"), L));

/** Replacements for functions of Lua's string library. */
export const stringLib: Record<string, LibFunction> = {
  rep,
  format,
  gsub,
  pack,
  packsize,
  unpack,
  upper: perByte("upper", perMappedByte),
  lower: perByte("lower", perMappedByte),
  reverse: perByte("reverse", perMappedByte),
};
