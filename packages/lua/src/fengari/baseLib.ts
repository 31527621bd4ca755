import fengari from "fengari";
import type { CFunction, LClosure, LuaState, Proto } from "fengari";
import { callContext } from "./CallContext.ts";
import { HEAP_COST } from "./heapCost.ts";
import { explainLua53 } from "./compileError.ts";

const { lua, lauxlib, to_jsstring } = fengari;

/** Largest chunk `load` compiles: compiled code takes about 60 heap bytes per source byte. */
export const MAX_CHUNK_BYTES = 1024 * 1024;

/** Registry field holding the running call's environment (what `load` gives chunks by default). */
export const ENV_FIELD = "shoal.env";

/** Base functions kept from Lua's own library (dofile, loadfile, load, print and collectgarbage are not). */
export const BASE_NAMES = [
  "assert",
  "error",
  "getmetatable",
  "ipairs",
  "next",
  "pairs",
  "pcall",
  "rawequal",
  "rawget",
  "rawlen",
  "rawset",
  "select",
  "setmetatable",
  "tonumber",
  "tostring",
  "type",
  "xpcall",
  "_VERSION",
] as const;

/** `print(...)`: like Lua's, but each line goes to the call's capped log. */
const print: CFunction = (L) => {
  const { log, guard } = callContext(L);
  const n = lua.lua_gettop(L);
  const parts: Uint8Array[] = [];
  let bytes = Math.max(0, n - 1);
  for (let i = 1; i <= n; i++) {
    const s = lauxlib.luaL_tolstring(L, i);
    parts.push(s);
    bytes += s.length;
    lua.lua_pop(L, 1);
  }
  guard.tick(L, 1);
  if (log.truncated) return 0;
  const line = new Uint8Array(bytes);
  let at = 0;
  for (const [i, p] of parts.entries()) {
    if (i > 0) line[at++] = 9;
    line.set(p, at);
    at += p.length;
  }
  log.add(to_jsstring(line, 0, line.length, true), bytes);
  return 0;
};

/**
 * `load(chunk [, chunkname [, mode [, env]]])`: text chunks only (a binary chunk fails
 * like a load error, returning nil and a message), chunks capped at MAX_CHUNK_BYTES and
 * their compiled code charged to the heap, and — without `env` — the running call's
 * environment, never the state's real global table.
 */
const load: CFunction = (L) => {
  const guard = callContext(L).guard;
  let code: Uint8Array;
  let defaultName: Uint8Array | string;
  if (lua.lua_type(L, 1) === lua.LUA_TSTRING) {
    code = lua.lua_tostring(L, 1) as Uint8Array;
    defaultName = code;
  } else {
    lauxlib.luaL_checktype(L, 1, lua.LUA_TFUNCTION);
    const read = readChunk(L);
    if (read === null) {
      lua.lua_pushnil(L);
      lua.lua_insert(L, -2);
      return 2;
    }
    code = read;
    defaultName = "=(load)";
  }
  const name = lauxlib.luaL_optlstring(L, 2, defaultName) as Uint8Array;
  const mode = to_jsstring(lauxlib.luaL_optlstring(L, 3, "bt") as Uint8Array, 0, undefined, true);
  // Read before compiling: the compiled chunk is pushed at index 4 when there are three arguments.
  const hasEnv = lua.lua_type(L, 4) !== lua.LUA_TNONE;
  const fail = (message: string) => {
    lua.lua_pushnil(L);
    lua.lua_pushstring(L, message);
    return 2;
  };
  if (code[0] === 0x1b) return fail("attempt to load a binary chunk (binary chunks are not allowed)");
  if (!mode.includes("t")) return fail(`attempt to load a text chunk (mode is '${mode}')`);
  checkChunkSize(L, code.length);
  guard.tick(L, Math.ceil(code.length / 64));
  if (lauxlib.luaL_loadbufferx(L, code, code.length, name, "t") !== lua.LUA_OK) {
    explainOnTop(L);
    lua.lua_pushnil(L);
    lua.lua_insert(L, -2);
    return 2;
  }
  guard.charge(instructionsIn((lua.lua_topointer(L, -1) as LClosure).p) * HEAP_COST.instruction);
  if (hasEnv) lua.lua_pushvalue(L, 4);
  else lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, ENV_FIELD);
  if (lua.lua_setupvalue(L, -2, 1) === null) lua.lua_pop(L, 1);
  return 1;
};

function checkChunkSize(L: LuaState, bytes: number): void {
  if (bytes > MAX_CHUNK_BYTES) {
    callContext(L).guard.memoryError(L, "lib", `load: chunk too large (${bytes} bytes > limit ${MAX_CHUNK_BYTES})`);
  }
}

function instructionsIn(p: Proto): number {
  return p.p.reduce((n, child) => n + instructionsIn(child), p.code.length);
}

/**
 * The pieces the reader function at index 1 returns, joined; or null, with the error on top of
 * the stack, when it fails or returns something else than a string, for `load` to return as
 * Lua's does (nil and the error) instead of raising it.
 */
function readChunk(L: LuaState): Uint8Array | null {
  const pieces: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    lua.lua_pushvalue(L, 1);
    if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) return null;
    const isNil = lua.lua_type(L, -1) === lua.LUA_TNIL;
    if (!isNil && !lua.lua_isstring(L, -1)) {
      lua.lua_pop(L, 1);
      lauxlib.luaL_where(L, 1);
      lua.lua_pushstring(L, "reader function must return a string");
      lua.lua_concat(L, 2);
      return null;
    }
    const piece = isNil ? null : (lua.lua_tostring(L, -1) as Uint8Array);
    lua.lua_pop(L, 1);
    if (piece === null || piece.length === 0) break;
    bytes += piece.length;
    checkChunkSize(L, bytes);
    pieces.push(piece);
  }
  const code = new Uint8Array(bytes);
  let at = 0;
  for (const p of pieces) {
    code.set(p, at);
    at += p.length;
  }
  return code;
}

const GC_OPTIONS = ["collect", "step", "count", "isrunning"];

/**
 * `collectgarbage([opt])`: fengari leaves memory to the JavaScript collector, so
 * "collect" and "step" do nothing, "count" gives the guard's deterministic heap estimate
 * in KiB, "isrunning" is true; the tuning options are refused.
 */
const collectgarbage: CFunction = (L) => {
  const opt = to_jsstring(lauxlib.luaL_optlstring(L, 1, "collect") as Uint8Array, 0, undefined, true);
  if (!GC_OPTIONS.includes(opt)) return lauxlib.luaL_argerror(L, 1, `option '${opt}' is not supported in the sandbox`);
  if (opt === "count") lua.lua_pushnumber(L, callContext(L).guard.heapEstimate / 1024);
  else if (opt === "collect") lua.lua_pushinteger(L, 0);
  else lua.lua_pushboolean(L, true);
  return 1;
};

/** Base functions written for the sandbox. */
/** A load error on top of the stack, with the reason fengari refuses what Lua 5.4 compiles (as jobs' own compile errors get it). */
function explainOnTop(L: LuaState): void {
  if (lua.lua_type(L, -1) !== lua.LUA_TSTRING) return;
  const message = fengari.to_jsstring(lua.lua_tostring(L, -1) as Uint8Array, 0, undefined, true);
  const explained = explainLua53(message);
  if (explained === message) return;
  lua.lua_pop(L, 1);
  lua.lua_pushstring(L, fengari.to_luastring(explained));
}

export const sandboxBase: Record<string, CFunction> = { print, load, collectgarbage };
