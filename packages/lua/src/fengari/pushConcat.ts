import fengari from "fengari";
import type { LuaState } from "fengari";

const { lua } = fengari;

/** Pushes the byte strings `parts`, `total` bytes in all, as one Lua string. */
export function pushConcat(L: LuaState, parts: readonly Uint8Array[], total: number): void {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  lua.lua_pushstring(L, out);
}
