import fengari from "fengari";
import type { LuaState } from "fengari";
import { LuaError } from "../LuaEngine.ts";
import { beyondInt32 } from "./int32Overflow.ts";
import { numeralBeyondInt32 } from "./int64Numeral.ts";

const { lua, to_jsstring, to_luastring } = fengari;

/** The syntax LuaError for a failed luaL_loadbuffer whose message is on top of the stack. */
export function compileError(L: LuaState, chunkName: string): LuaError {
  const top = lua.lua_type(L, -1) === lua.LUA_TSTRING ? (lua.lua_tostring(L, -1) as Uint8Array) : null;
  const message = top === null ? `${chunkName}: cannot compile` : explainLua53(to_jsstring(top, 0, undefined, true));
  const prefix = `${chunkName}:`;
  const line = message.startsWith(prefix) ? Number.parseInt(message.slice(prefix.length), 10) : NaN;
  return new LuaError("syntax", message, Number.isNaN(line) ? {} : { line });
}

/**
 * Says why fengari refuses what Lua 5.4 compiles: integer numerals past 32 bits (which
 * fengari's patched reader refuses, see fengariPatches.ts), and 5.4-only syntax.
 */
export function explainLua53(message: string): string {
  const numeral = /^(.*?: )malformed number near '([^']*)'$/.exec(message);
  if (numeral && numeralBeyondInt32(to_luastring(numeral[2]!))) return `${numeral[1]}${beyondInt32(`integer ${numeral[2]}`)}`;
  if (/unexpected symbol near '<'$/.test(message)) return `${message} (fengari is Lua 5.3: <const>/<close> need --engine wasmoon)`;
  if (/UTF-8 value too large near/.test(message)) return `${message} (fengari is Lua 5.3: \\u{...} past 10FFFF needs --engine wasmoon)`;
  return message;
}
