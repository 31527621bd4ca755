import type { LuaExports, Ptr, State } from "./luaExports.ts";
import type { WasmHeap } from "./WasmHeap.ts";

/** Frames looked at before giving up: the job's own code is almost always within the first few. */
const MAX_LEVELS = 200;
/** sizeof(lua_Debug) on wasm32 is 108; its `source` pointer, `srclen` and `currentline` sit at these offsets. */
const DEBUG_BYTES = 128;
const SOURCE = 16;
const SRCLEN = 20;
const CURRENTLINE = 24;
const records = new WeakMap<LuaExports, Ptr>();
const encoder = new TextEncoder();

/**
 * Where the job's own code is running in `L`: "job.lua:LINE: " for the innermost frame of the
 * chunk named `chunkName` (frames of library functions and of chunks made by `load` are
 * skipped), or "" when none is on the stack (or the JavaScript stack is exhausted). Allocates nothing in Lua, so the allocator may
 * call it while it refuses memory.
 */
export function jobPosition(x: LuaExports, heap: WasmHeap, L: State, chunkName: string): string {
  let ar = records.get(x);
  if (ar === undefined) records.set(x, (ar = x.malloc(DEBUG_BYTES)));
  const source = encoder.encode(`@${chunkName}`);
  const what = heap.cstr("Sl");
  try {
    for (let level = 0; level < MAX_LEVELS && x.lua_getstack(L, level, ar) !== 0; level++) {
      x.lua_getinfo(L, what, ar);
      const u32 = heap.u32;
      const line = u32[(ar + CURRENTLINE) >> 2] as number;
      const found = u32[(ar + SRCLEN) >> 2] === source.length && sameBytes(heap.u8, u32[(ar + SOURCE) >> 2] as number, source);
      if (found && line > 0 && line < 2 ** 31) return `${chunkName}:${line}: `;
    }
  } catch (e) {
    if (!(e instanceof RangeError)) throw e; // the JavaScript stack is too exhausted even to look
  }
  return "";
}

function sameBytes(u8: Uint8Array, at: Ptr, bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (u8[at + i] !== bytes[i]) return false;
  return true;
}
