import { LuaError } from "../LuaEngine.ts";

/** The syntax LuaError for Lua's compile message (null when there is none). */
export function compileError(message: string | null, chunkName: string): LuaError {
  const text = message ?? `${chunkName}: cannot compile`;
  const prefix = `${chunkName}:`;
  const line = text.startsWith(prefix) ? Number.parseInt(text.slice(prefix.length), 10) : NaN;
  return new LuaError("syntax", text, Number.isNaN(line) ? {} : { line });
}
