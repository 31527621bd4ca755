import fengari from "fengari";
import type { LuaState, LuaString } from "fengari";

const { lua, to_luastring } = fengari;
/** Frames looked at before giving up: the job's own code is almost always within the first few. */
const MAX_LEVELS = 200;
const SL = to_luastring("Sl");

/**
 * Where the job's own code is running in `L`: "job.lua:LINE: " for the innermost frame of the
 * chunk named `chunkName` (frames of library functions and of chunks made by `load` are
 * skipped), or "" when none is on the stack (or the JavaScript stack is exhausted). Allocates nothing Lua sees, so any guard may call it.
 */
export function jobPosition(L: LuaState, chunkName: string): string {
  const source = to_luastring(`@${chunkName}`);
  const ar = new lua.lua_Debug();
  try {
    for (let level = 0; level < MAX_LEVELS && lua.lua_getstack(L, level, ar); level++) {
      lua.lua_getinfo(L, SL, ar);
      if (ar.currentline > 0 && sameBytes(ar.source, source)) return `${chunkName}:${ar.currentline}: `;
    }
  } catch (e) {
    if (!(e instanceof RangeError)) throw e; // the JavaScript stack is too exhausted even to look
  }
  return "";
}

function sameBytes(a: LuaString | null, b: LuaString): boolean {
  if (a === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
