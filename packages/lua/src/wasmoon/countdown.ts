import { LUA } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { insertBackEdgeChecks, ReservedNameError } from "./insertBackEdgeChecks.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";

/** Added to Lua's message when only the rewritten chunk fails to compile (a function near Lua's 255-upvalue limit). */
export const GUARD_LIMIT_NOTE = "(the instruction guard adds 2 upvalues to every function; see docs/lua-api.md)";

/**
 * The guard function a rewritten chunk calls when its countdown runs out: charges the
 * checks run since the last refill to the call's budget and returns the next countdown, or
 * raises the budget error, on every call once the guard has tripped. It reaches the chunk
 * only as the argument of its loader, so job code has no name for it.
 */
const countdownGuard: LibFunction = (rt, L) => {
  const guard = rt.current().guard;
  const grant = guard.onCountdown(L);
  if (grant === 0) rt.raise(L, (guard.tripped as { message: string }).message, null);
  // The check that called counts as the first of the grant.
  rt.x.lua_pushinteger(L, BigInt(grant - 1));
  return 1;
};

/**
 * Turns the loader of a rewritten chunk on top of the stack into the chunk itself: calls it
 * with the guard function, leaving the function it returns (the job's code) in its place.
 */
export function openCountedChunk(rt: WasmoonRuntime, L: State): void {
  rt.x.lua_pushcclosure(L, rt.fn(countdownGuard), 0);
  rt.x.lua_callk(L, 1, 1, 0, 0);
}

/** The chunk `code` (bytes Lua compiled) with countdown checks inserted; a ReservedNameError if it names the countdown. */
export function countedBytes(code: Uint8Array): Uint8Array {
  let text = "";
  for (let i = 0; i < code.length; i += 8192) text += String.fromCharCode(...code.subarray(i, i + 8192));
  const rewritten = insertBackEdgeChecks(text);
  const out = new Uint8Array(rewritten.length);
  for (let i = 0; i < rewritten.length; i++) out[i] = rewritten.charCodeAt(i);
  return out;
}

/**
 * Lua's position prefix for `line` of a chunk named `name` (`[string "..."]:3: `), made by
 * compiling a chunk with that name that fails on that line.
 */
export function chunkPosition(rt: WasmoonRuntime, L: State, name: Uint8Array, line: number): string {
  const { x, heap } = rt;
  const probe = new TextEncoder().encode(`${"\n".repeat(line - 1)}=`);
  const staged = new Uint8Array(probe.length + name.length + 1);
  staged.set(probe);
  staged.set(name, probe.length);
  const p = heap.stage(staged);
  if (x.luaL_loadbufferx(L, p, probe.length, p + probe.length, heap.cstr("t")) === LUA.OK) {
    x.lua_settop(L, -2);
    return "";
  }
  const message = heap.string(L, -1);
  x.lua_settop(L, -2);
  const at = message.indexOf(`:${line}:`);
  return at < 0 ? "" : message.slice(0, at + `:${line}:`.length) + " ";
}

export { ReservedNameError };
