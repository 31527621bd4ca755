import type { State } from "./luaExports.ts";
import { LUA } from "./luaExports.ts";
import type { WasmoonRuntime } from "./WasmoonRuntime.ts";
import { STATE_SEED, STATE_UD } from "./WasmoonRuntime.ts";

/** Offsets in Lua 5.4's global_State (wasm32): l_registry, its type tag, and seed. */
const G_REGISTRY = 40;
const G_REGISTRY_TAG = 48;
const G_SEED = 72;
/** Type tags of a collectable table, a float and an integer in a TValue. */
const TAG_TABLE = 0x45;
const TAG_FLOAT = 0x13;
const TAG_INT = 0x03;
/** A hook interval no field of a new lua_State holds by chance. */
const HOOK_MARK = 0x1234567;

/**
 * Checks the facts about the Lua build that the sandbox relies on, and records what it
 * measures: where lua_newstate keeps the string-hash seed (so states can get a fixed one),
 * what a string object adds to its length (so maxStringBytes is exact), where a lua_State
 * counts down to its next count hook (so instruction counts are exact), and that a
 * table's array part holds 16-byte TValues behind a pointer at offset 12, after its
 * size at offset 8 (so columns are
 * copied in and out without a call per element). Throws if the build differs.
 */
export function probeLayout(rt: WasmoonRuntime): void {
  const { x, heap } = rt;
  const unsupported = (what: string) => new Error(`wasmoon: unsupported Lua build (${what} not as expected)`);
  const { L, base, size } = rt.openTraced(false);
  try {
    let g = -1;
    const u32 = heap.u32;
    for (let off = 0; off + 8 <= size && g < 0; off += 4) {
      if (u32[(base + off) >> 2] === rt.allocIndex && u32[(base + off + 4) >> 2] === STATE_UD) g = off;
    }
    if (g < 0 || u32[(base + g + G_REGISTRY) >> 2] !== x.lua_topointer(L, LUA.REGISTRYINDEX) || heap.u8[base + g + G_REGISTRY_TAG] !== TAG_TABLE) {
      throw unsupported("global_State");
    }
    rt.seedOffset = g + G_SEED;

    let overhead = -1;
    rt.traceAllocations(
      (osize, nsize) => {
        if (osize === LUA.TSTRING) overhead = nsize - 100;
      },
      () => x.lua_pushlstring(L, heap.stage(new Uint8Array(100)), 100),
    );
    if (overhead < 0) throw unsupported("string allocation");
    rt.stringOverhead = overhead;

    x.lua_createtable(L, 2, 0);
    x.lua_pushnumber(L, 1.5);
    x.lua_rawseti(L, -2, 1n);
    x.lua_pushinteger(L, 7n);
    x.lua_rawseti(L, -2, 2n);
    const t = x.lua_topointer(L, -1);
    const array = heap.u32[(t + rt.tableArrayOffset) >> 2] as number;
    const ok =
      heap.u32[(t + rt.tableArrayOffset - 4) >> 2] === 2 &&
      heap.f64[array >> 3] === 1.5 && heap.u8[array + 8] === TAG_FLOAT && heap.i64[(array + 16) >> 3] === 7n && heap.u8[array + 24] === TAG_INT;
    if (!ok) throw unsupported("table array part");

    rt.setHook(L, HOOK_MARK);
    let count = -1;
    for (let off = 0; off < 256 && count < 0; off += 4) {
      if (heap.u32[(L + off) >> 2] === HOOK_MARK && heap.u32[(L + off + 4) >> 2] === HOOK_MARK) count = off + 4;
    }
    if (count < 0) throw unsupported("lua_State hook count");
    rt.hookCountOffset = count;
  } finally {
    x.lua_close(L);
  }

  const fixed = rt.openTraced(true);
  const seed = heap.u32[(fixed.base + rt.seedOffset) >> 2];
  x.lua_close(fixed.L);
  if (seed !== STATE_SEED || keyOrder(rt) !== keyOrder(rt)) throw unsupported("string hash seed");
}

/** The order `next` visits 32 string keys in, in a fresh state. */
function keyOrder(rt: WasmoonRuntime): string {
  const { x, heap } = rt;
  const L: State = rt.open(null);
  try {
    x.lua_createtable(L, 0, 0);
    for (let i = 0; i < 32; i++) {
      x.lua_pushinteger(L, BigInt(i));
      x.lua_setfield(L, -2, heap.cstr(`key${i}`));
    }
    const keys: string[] = [];
    x.lua_pushnil(L);
    while (x.lua_next(L, -2) !== 0) {
      keys.push(String(x.lua_tointegerx(L, -1, 0)));
      x.lua_settop(L, -2);
    }
    return keys.join(",");
  } finally {
    rt.close(L);
  }
}
