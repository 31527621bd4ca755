import fengari from "fengari";
import type { LuaState } from "fengari";
import { LuaError } from "../LuaEngine.ts";

const { lua, to_jsstring } = fengari;

/** The syntax LuaError for a failed luaL_loadbuffer whose message is on top of the stack. */
export function compileError(L: LuaState, chunkName: string): LuaError {
  const top = lua.lua_type(L, -1) === lua.LUA_TSTRING ? (lua.lua_tostring(L, -1) as Uint8Array) : null;
  const message = top === null ? `${chunkName}: cannot compile` : to_jsstring(top, 0, undefined, true);
  const prefix = `${chunkName}:`;
  const line = message.startsWith(prefix) ? Number.parseInt(message.slice(prefix.length), 10) : NaN;
  return new LuaError("syntax", message, Number.isNaN(line) ? {} : { line });
}
