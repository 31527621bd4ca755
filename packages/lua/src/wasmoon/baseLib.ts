import { LUA, upvalueIndex } from "./luaExports.ts";
import type { State } from "./luaExports.ts";
import { isView, refuseView } from "./tsView.ts";
import { LibError } from "./LibError.ts";
import type { LibFunction, WasmoonRuntime } from "./WasmoonRuntime.ts";
import { WASMOON_STRING_COSTS } from "../stringCosts.ts";
import { chunkPosition, countedBytes, GUARD_LIMIT_NOTE, openCountedChunk, ReservedNameError } from "./countdown.ts";

/** Largest chunk `load` compiles. */
export const MAX_CHUNK_BYTES = 1024 * 1024;
/** Registry field of the weak table mapping objects to their `tostring` ids. */
export const IDS_FIELD = "shoal.ids";

const decoder = new TextDecoder();

/**
 * Pushes what `tostring` gives for the value at `idx`. Like Lua's, except that tables,
 * functions, coroutines and userdata show a per-call id ("table: 0x00000003") instead of
 * their address, which would differ between replicas.
 */
export function pushToString(rt: WasmoonRuntime, L: State, idx: number): void {
  const { x, heap } = rt;
  const at = x.lua_absindex(L, idx);
  const type = x.lua_type(L, at);
  const addressed = type === LUA.TTABLE || type === LUA.TFUNCTION || type === LUA.TUSERDATA || type === LUA.TTHREAD;
  if (!addressed || x.luaL_getmetafield(L, at, heap.cstr("__tostring")) !== LUA.TNIL) {
    if (addressed) x.lua_settop(L, -2);
    x.luaL_tolstring(L, at, 0);
    return;
  }
  let name = rt.typeName(L, at);
  if (x.luaL_getmetafield(L, at, heap.cstr("__name")) !== LUA.TNIL) {
    if (x.lua_type(L, -1) === LUA.TSTRING) name = heap.string(L, -1);
    x.lua_settop(L, -2);
  }
  heap.pushString(L, `${name}: 0x${idOf(rt, L, at).toString(16).padStart(8, "0")}`);
}

function idOf(rt: WasmoonRuntime, L: State, at: number): number {
  const { x, heap } = rt;
  x.lua_getfield(L, LUA.REGISTRYINDEX, heap.cstr(IDS_FIELD));
  x.lua_pushvalue(L, at);
  if (x.lua_rawget(L, -2) === LUA.TNUMBER) {
    const id = x.lua_tonumberx(L, -1, 0);
    x.lua_settop(L, -3);
    return id;
  }
  const id = rt.current().nextId++;
  x.lua_pushvalue(L, at);
  x.lua_pushinteger(L, BigInt(id));
  x.lua_rawset(L, -4);
  x.lua_settop(L, -3);
  return id;
}

const tostring: LibFunction = (rt, L) => {
  const type = rt.x.lua_type(L, 1);
  if (type === LUA.TNONE) return rt.x.luaL_argerror(L, 1, rt.heap.cstr("value expected"));
  if (type === LUA.TNUMBER) rt.current().guard.tick(WASMOON_STRING_COSTS.perNumberFormatted);
  pushToString(rt, L, 1);
  return 1;
};

/** `print(...)`: like Lua's, but each line goes to the call's capped log. */
const print: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  const { log, guard } = rt.current();
  const n = x.lua_gettop(L);
  const parts: Uint8Array[] = [];
  let bytes = Math.max(0, n - 1);
  for (let i = 1; i <= n; i++) {
    pushToString(rt, L, i);
    const s = heap.bytes(L, -1);
    parts.push(s);
    bytes += s.length;
    x.lua_settop(L, -2);
  }
  guard.tick(1);
  if (log.truncated) return 0;
  const line = new Uint8Array(bytes);
  let at = 0;
  for (const [i, p] of parts.entries()) {
    if (i > 0) line[at++] = 9;
    line.set(p, at);
    at += p.length;
  }
  log.add(decoder.decode(line), bytes);
  return 0;
};

/**
 * `load(chunk [, chunkname [, mode [, env]]])`: text chunks only (a binary chunk fails like
 * a load error, returning nil and a message) of at most MAX_CHUNK_BYTES; without `env` the
 * chunk sees the call's globals (the state's own, since every call has a fresh state). When
 * the call runs on the countdown guard, the chunk is rewritten with countdown checks like the
 * job's own (and refused, as a load error, if it names the countdown), so code made at run
 * time is stopped by the budget too.
 */
const load: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  const guard = rt.current().guard;
  let code: Uint8Array;
  let name: Uint8Array;
  if (x.lua_isstring(L, 1) !== 0) {
    code = heap.bytes(L, 1);
    name = code;
  } else {
    if (x.lua_type(L, 1) !== LUA.TFUNCTION) return x.luaL_argerror(L, 1, heap.stageCString(`function expected, got ${rt.typeName(L, 1)}`));
    const read = readChunk(rt, L);
    if (read === null) {
      x.lua_pushnil(L);
      x.lua_rotate(L, -2, 1);
      return 2;
    }
    code = read;
    name = new TextEncoder().encode("=(load)");
  }
  if (x.lua_type(L, 2) > LUA.TNIL) {
    if (x.lua_isstring(L, 2) === 0) return x.luaL_argerror(L, 2, heap.stageCString(`string expected, got ${rt.typeName(L, 2)}`));
    name = heap.bytes(L, 2);
  }
  const mode = x.lua_type(L, 3) > LUA.TNIL ? heap.string(L, 3) : "bt";
  // Read before compiling: the compiled chunk is pushed at index 4 when there are three arguments.
  const hasEnv = x.lua_type(L, 4) !== LUA.TNONE;
  const fail = (message: string) => {
    x.lua_pushnil(L);
    heap.pushString(L, message);
    return 2;
  };
  if (code[0] === 0x1b) return fail("attempt to load a binary chunk (binary chunks are not allowed)");
  if (!mode.includes("t")) return fail(`attempt to load a text chunk (mode is '${mode}')`);
  checkChunkSize(rt, code.length);
  guard.tick(Math.ceil(code.length / 64));
  const compile = (bytes: Uint8Array) => {
    const staged = new Uint8Array(bytes.length + name.length + 1);
    staged.set(bytes);
    staged.set(name, bytes.length);
    const p = heap.stage(staged);
    return x.luaL_loadbufferx(L, p, bytes.length, p + bytes.length, heap.cstr("t")) === LUA.OK;
  };
  const failed = (note = "") => {
    x.lua_pushnil(L);
    x.lua_rotate(L, -2, 1);
    if (note !== "") {
      heap.pushString(L, note);
      x.lua_concat(L, 2);
    }
    return 2;
  };
  // Compiled as written first, so a syntax error reads as native Lua's.
  if (!compile(code)) return failed();
  if (rt.current().countdown) {
    x.lua_settop(L, -2);
    let counted: Uint8Array;
    try {
      counted = countedBytes(code);
    } catch (e) {
      if (!(e instanceof ReservedNameError)) throw e;
      return fail(chunkPosition(rt, L, name, e.line) + e.message);
    }
    guard.tick(Math.ceil(counted.length / 64));
    if (!compile(counted)) return failed(` ${GUARD_LIMIT_NOTE}`);
  }
  // The loader's first upvalue is the chunk's _ENV, which the function it returns shares.
  if (hasEnv) {
    x.lua_pushvalue(L, 4);
    if (x.lua_setupvalue(L, -2, 1) === 0) x.lua_settop(L, -2);
  }
  if (rt.current().countdown) openCountedChunk(rt, L);
  return 1;
};

function checkChunkSize(rt: WasmoonRuntime, bytes: number): void {
  if (bytes > MAX_CHUNK_BYTES) rt.current().guard.memoryError(`load: chunk too large (${bytes} bytes > limit ${MAX_CHUNK_BYTES})`);
}

/**
 * The pieces the reader function at index 1 returns, joined; or null, with the error on top of
 * the stack, when it fails or returns something else than a string, for `load` to return as
 * Lua's does (nil and the error) instead of raising it.
 */
function readChunk(rt: WasmoonRuntime, L: State): Uint8Array | null {
  const { x, heap } = rt;
  const pieces: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    x.lua_pushvalue(L, 1);
    if (x.lua_pcallk(L, 0, 1, 0, 0, 0) !== LUA.OK) return null;
    const type = x.lua_type(L, -1);
    if (type !== LUA.TNIL && x.lua_isstring(L, -1) === 0) {
      x.lua_settop(L, -2);
      x.luaL_where(L, 1);
      heap.pushString(L, "reader function must return a string");
      x.lua_concat(L, 2);
      return null;
    }
    const piece = type === LUA.TNIL ? null : heap.bytes(L, -1);
    x.lua_settop(L, -2);
    if (piece === null || piece.length === 0) break;
    bytes += piece.length;
    checkChunkSize(rt, bytes);
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
 * `collectgarbage([opt])`: "collect" and "step" run a full collection (returning 0 and
 * true), "count" gives Lua's heap in KiB, "isrunning" true; the tuning options, which
 * could make a call's memory use depend on more than its own code, are refused.
 */
const collectgarbage: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  const opt = x.lua_type(L, 1) > LUA.TNIL ? heap.string(L, 1) : "collect";
  if (!GC_OPTIONS.includes(opt)) return x.luaL_argerror(L, 1, heap.stageCString(`option '${opt}' is not supported in the sandbox`));
  if (opt === "isrunning") {
    x.lua_pushboolean(L, 1);
    return 1;
  }
  x.lua_settop(L, 0);
  heap.pushString(L, opt === "count" ? "count" : "collect");
  rt.callC(rt.original("_G.collectgarbage"), L);
  if (opt === "step") x.lua_pushboolean(L, 1);
  return 1;
};

/**
 * `xpcall(f, msgh, ...)`: Lua's, with `msgh` skipped once the guard has tripped. Lua runs a
 * message handler with hooks still off when the error comes from the count hook, so a
 * looping handler would never be stopped.
 */
const xpcall: LibFunction = (rt, L) => {
  const { x } = rt;
  if (x.lua_type(L, 2) === LUA.TFUNCTION) {
    x.lua_pushvalue(L, 2);
    x.lua_pushcclosure(L, rt.fn(guardedHandler), 1);
    x.lua_copy(L, -1, 2);
    x.lua_settop(L, -2);
  }
  return rt.callC(rt.original("_G.xpcall"), L);
};

const guardedHandler: LibFunction = (rt, L) => {
  const { x } = rt;
  if (rt.current().guard.tripped !== null) return 1;
  x.lua_pushvalue(L, upvalueIndex(1));
  x.lua_rotate(L, 1, 1);
  x.lua_callk(L, x.lua_gettop(L) - 1, 1, 0, 0);
  return 1;
};

/**
 * `setmetatable(t, mt)`: Lua's, except that a `__gc` field is ignored (as on fengari):
 * Lua runs finalizers with hooks off, where the instruction budget could not stop them.
 */
const setmetatable: LibFunction = (rt, L) => {
  const { x, heap } = rt;
  if (isView(rt, L, 1)) refuseView();
  const type = x.lua_type(L, 2);
  if (x.lua_type(L, 1) !== LUA.TTABLE) return x.luaL_argerror(L, 1, heap.stageCString(`table expected, got ${rt.typeName(L, 1)}`));
  if (type !== LUA.TNIL && type !== LUA.TTABLE) return x.luaL_argerror(L, 2, heap.stageCString(`nil or table expected, got ${rt.typeName(L, 2)}`));
  if (x.luaL_getmetafield(L, 1, heap.cstr("__metatable")) !== LUA.TNIL) throw new LibError("cannot change a protected metatable");
  x.lua_settop(L, 2);
  if (type === LUA.TTABLE) {
    heap.pushString(L, "__gc");
    x.lua_rawget(L, 2);
    const gc = x.lua_gettop(L);
    if (x.lua_type(L, gc) !== LUA.TNIL) setField(rt, L, 2, "__gc", 0);
    x.lua_pushvalue(L, 2);
    x.lua_setmetatable(L, 1);
    if (x.lua_type(L, gc) !== LUA.TNIL) setField(rt, L, 2, "__gc", gc);
  } else x.lua_setmetatable(L, 1);
  x.lua_settop(L, 1);
  return 1;
};

/** `rawset(t, k, v)`: Lua's, refusing a `ts` result (which would otherwise take the entry beside its view). */
const rawset: LibFunction = (rt, L) => {
  if (isView(rt, L, 1)) refuseView();
  return rt.callC(rt.original("_G.rawset"), L);
};

/** Raw-sets field `name` of the table at `table` to the value at `value` (0: nil). */
function setField(rt: WasmoonRuntime, L: State, table: number, name: string, value: number): void {
  rt.heap.pushString(L, name);
  if (value === 0) rt.x.lua_pushnil(L);
  else rt.x.lua_pushvalue(L, value);
  rt.x.lua_rawset(L, table);
}

/** `error`: Lua's, remembering the message the job chose so the message handler leaves it as it is. */
const error: LibFunction = (rt, L) => {
  if (rt.x.lua_type(L, 1) === LUA.TSTRING) rt.current().chosenError = rt.heap.string(L, 1);
  return rt.callC(rt.original("_G.error"), L);
};

/** Base functions written for the sandbox. */
export const baseLib: Record<string, LibFunction> = { print, load, tostring, collectgarbage, xpcall, setmetatable, rawset, error };
