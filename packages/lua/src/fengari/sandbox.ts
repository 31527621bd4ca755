import fengari from "fengari";
import type { CFunction, LuaState, Table, TableEntry, TValue } from "fengari";
import lobject from "fengari/src/lobject.js";
import ltable from "fengari/src/ltable.js";
import { BASE_NAMES, ENV_FIELD, sandboxBase } from "./baseLib.ts";
import { activeGuard } from "./CallGuard.ts";
import { callContext } from "./CallContext.ts";
import { installFengariPatches } from "./fengariPatches.ts";
import { hideIntegerLimits, int32Lib } from "./int32Lib.ts";
import { HEAP_COST } from "./heapCost.ts";
import { FENGARI_STRING_COSTS } from "../stringCosts.ts";
import { mathRandom } from "./mathRandom.ts";
import { stringFormat } from "./stringFormat.ts";
import { tableLib } from "./tableLib.ts";
import { builtinTable } from "../builtins/builtinTable.ts";
import { fengariBuiltins } from "./FengariBuiltinCall.ts";
import { refusingViews } from "./tsView.ts";
import { openQuant } from "../quant/quantBinding.ts";
import type { PristineTable } from "./pristineTable.ts";
import { restoreTable, snapshotTable } from "./pristineTable.ts";

/** The `ts` library's functions, made once for every state. */
const tsLib = fengariBuiltins(builtinTable, "ts");

const { lua, lauxlib, lualib } = fengari;
const { perRepetition, perScannedByte, perMappedByte, perNumberFormatted } = FENGARI_STRING_COSTS;
const REG = lua.LUA_REGISTRYINDEX;
const BASE_FIELD = "shoal.base";
const LIBS_FIELD = "shoal.libs";
const G = fengari.to_luastring("_G");
const ENV_KEY = fengari.to_luastring(ENV_FIELD);
const LOADED = fengari.to_luastring("_LOADED");
/** The hidden prototypes of each sandbox state's environment, read directly by pushEnvironment. */
const prototypes = new WeakMap<LuaState, { base: Table; libs: Table }>();
const TTABLE = lua.LUA_TTABLE;

/**
 * Creates a lua_State holding the sandbox's libraries as hidden prototypes in the
 * registry: base (without dofile/loadfile, with our print/load/collectgarbage), string
 * (without dump, rep checked), table (metered port), math (seeded random), utf8,
 * coroutine and ts. io, os, package, debug and fengari's `js`/`fengari` libraries are
 * never opened. The string metatable is locked, and the state's real global table is
 * replaced by an empty one: Lua code only ever sees the per-call environment.
 */
export function createSandbox(): LuaState {
  installFengariPatches();
  const L = lauxlib.luaL_newstate();
  lua.lua_atnativeerror(L, nativeError);

  lauxlib.luaL_requiref(L, "_G", lualib.luaopen_base, 0);
  const globals = lua.lua_gettop(L);
  lua.lua_createtable(L, 0, BASE_NAMES.length + 3);
  for (const name of BASE_NAMES) {
    lua.lua_getfield(L, globals, name);
    lua.lua_setfield(L, -2, name);
  }
  const original = (name: string) => {
    lua.lua_getfield(L, globals, name);
    const fn = lua.lua_tocfunction(L, -1);
    lua.lua_pop(L, 1);
    return fn;
  };
  setFunctions(L, {
    ...sandboxBase,
    tostring: charged(original("tostring"), (L) => (lua.lua_type(L, 1) === lua.LUA_TNUMBER ? perNumberFormatted : 0)),
    error: choosingError(original("error")),
    tonumber: int32Lib.tonumber(original("tonumber")!),
    rawset: refusingViews(original("rawset")!),
    setmetatable: refusingViews(original("setmetatable")!),
  });
  const base = lua.lua_topointer(L, -1) as Table;
  lua.lua_setfield(L, REG, BASE_FIELD);
  for (const name of ["dofile", "loadfile", "load"]) {
    lua.lua_pushnil(L);
    lua.lua_setfield(L, globals, name);
  }
  lua.lua_settop(L, 0);

  lua.lua_createtable(L, 0, 6);
  const libs = lua.lua_gettop(L);
  addStringLib(L, libs);
  lua.lua_createtable(L, 0, 8);
  setFunctions(L, tableLib);
  lua.lua_setfield(L, libs, "table");
  addOpenedLib(L, libs, "math", lualib.luaopen_math, { ...mathRandom, ...int32Lib.math(openLib(L, "math", lualib.luaopen_math)) });
  lua.lua_getfield(L, libs, "math");
  hideIntegerLimits(L, -1);
  lua.lua_pop(L, 1);
  addOpenedLib(L, libs, "utf8", lualib.luaopen_utf8, {});
  // Lua 5.4's utf8.charpattern lets lead bytes run to \xFD; fengari's (5.3's) stops at \xF4.
  lua.lua_getfield(L, libs, "utf8");
  lua.lua_pushlstring(L, UTF8_CHARPATTERN, UTF8_CHARPATTERN.length);
  lua.lua_setfield(L, -2, "charpattern");
  lua.lua_pop(L, 1);
  const co = openLib(L, "coroutine", lualib.luaopen_coroutine);
  addOpenedLib(L, libs, "coroutine", lualib.luaopen_coroutine, {
    create: chargingThread(co.create),
    wrap: chargingThread(co.wrap),
  });
  lua.lua_createtable(L, 0, 24);
  setFunctions(L, tsLib);
  lua.lua_setfield(L, libs, "ts");
  openQuant(L);
  lua.lua_setfield(L, libs, "quant");
  prototypes.set(L, { base, libs: lua.lua_topointer(L, libs) as Table });
  registerLoaded(L, libs);
  lua.lua_setfield(L, REG, LIBS_FIELD);

  lua.lua_createtable(L, 0, 0);
  lua.lua_rawseti(L, REG, lua.LUA_RIDX_GLOBALS);
  assignFunctionIds(L);
  lua.lua_settop(L, 0);
  return L;
}

/** The environment the last call of each state got, and how it was built, for {@link pushEnvironment}. */
interface Environment {
  /** The environment table first, then each library copy. */
  readonly tables: PristineTable[];
  /** What building it charged the call's heap estimate. */
  readonly charge: number;
}
const environments = new WeakMap<LuaState, Environment>();

/**
 * Pushes a fresh environment for one call: copies of the base functions and fresh
 * shallow copies of every library table, `_G` pointing at itself. Also records it as
 * the environment `load` gives chunks. Returns its stack index.
 *
 * The last call's environment is reused when that call only added globals (as every chunk
 * does, defining `map`): those are removed and nothing else changed, so the table is exactly
 * a fresh copy (see {@link restoreTable}). Any other change, to a built field, a library or a
 * metatable, and a fresh one is built. Either way the call gets the same object ids, heap
 * charge and iteration order. Building is made on fengari's table objects directly (see
 * {@link copyEntries}); through the C API it was a third of a trivial task's cost, and even
 * so a trivial call spent a quarter of its time on it.
 */
export function pushEnvironment(L: LuaState): number {
  const last = environments.get(L);
  if (last && restoreEnvironment(last)) {
    // A build would have taken one object id per table: later ids must not depend on reuse.
    L.l_G.id_counter += last.tables.length;
    activeGuard()?.charge(last.charge);
    lua.lua_getfield(L, REG, ENV_KEY);
    return lua.lua_gettop(L);
  }
  return buildEnvironment(L);
}

function restoreEnvironment(environment: Environment): boolean {
  const [env, ...libs] = environment.tables;
  // Libraries first: restoring the environment table changes it, and must only happen if all pass.
  for (const lib of libs) if (!restoreTable(lib, false)) return false;
  return restoreTable(env!, true);
}

function buildEnvironment(L: LuaState): number {
  lua.lua_createtable(L, 0, 32);
  const env = lua.lua_gettop(L);
  const envTable = lua.lua_topointer(L, env) as Table;
  const proto = prototypes.get(L);
  if (!proto) throw new Error("pushEnvironment needs a state made by createSandbox");
  const copies: Table[] = [];
  let entries = copyEntries(envTable, proto.base);
  for (const [hash, lib] of proto.libs.strong) {
    const copy = ltable.luaH_new(L);
    copies.push(copy);
    entries += copyEntries(copy, lib.value.value as Table);
    const meta = (lib.value.value as Table).metatable;
    if (meta !== null) {
      copy.metatable = ltable.luaH_new(L);
      copies.push(copy.metatable);
      entries += copyEntries(copy.metatable, meta);
    }
    if (envTable.strong.has(hash)) throw new Error("a library's name is also a base function's");
    appendEntry(envTable, hash, new lobject.TValue(lib.key.type, lib.key.value), new lobject.TValue(TTABLE, copy));
    entries++;
  }
  const charge = entries * HEAP_COST.entry;
  activeGuard()?.charge(charge);
  lua.lua_pushvalue(L, env);
  lua.lua_setfield(L, env, G);
  lua.lua_pushvalue(L, env);
  lua.lua_setfield(L, REG, ENV_KEY);
  // Lets tracebacks name global functions ("in function 'map'"); the registry stays hidden.
  lua.lua_getfield(L, REG, LOADED);
  lua.lua_pushvalue(L, env);
  lua.lua_setfield(L, -2, G);
  lua.lua_pop(L, 1);
  environments.set(L, { tables: [envTable, ...copies].map(snapshotTable), charge });
  return env;
}

/**
 * Copies every live field of `from` into `to`, a table created empty for this: new key and value
 * slots (fengari updates a field's value slot in place, so sharing them would leak writes back),
 * the same hashes, the same iteration order. Like lua_rawset, it clears the table's cache of
 * absent metamethods. Returns the number of fields.
 */
function copyEntries(to: Table, from: Table): number {
  for (const [hash, entry] of from.strong) {
    appendEntry(to, hash, new lobject.TValue(entry.key.type, entry.key.value), new lobject.TValue(entry.value.type, entry.value.value));
  }
  to.flags = 0;
  return from.strong.size;
}

/** What fengari's internal `add` does: a new field at the end of the table's iteration order. */
function appendEntry(t: Table, hash: unknown, key: TValue, value: TValue): void {
  const entry: TableEntry = { key, value, p: t.l, n: undefined };
  if (t.l) t.l.n = entry;
  else t.f = entry;
  t.strong.set(hash, entry);
  t.l = entry;
}

/**
 * Puts each sandbox library in the registry's `_LOADED`, where luaL_argerror looks a function's
 * name up: Lua writes "bad argument #1 to 'table.insert'", and without this fengari wrote '?'
 * for every function the sandbox replaced or added.
 */
function registerLoaded(L: LuaState, libs: number): void {
  lua.lua_getfield(L, REG, LOADED);
  copyFields(L, libs, lua.lua_gettop(L));
  lua.lua_pop(L, 1);
}

function copyFields(L: LuaState, from: number, to: number): void {
  lua.lua_pushnil(L);
  while (lua.lua_next(L, from)) {
    lua.lua_pushvalue(L, -2);
    lua.lua_insert(L, -2);
    lua.lua_rawset(L, to);
  }
}

/** Lua 5.4's `utf8.charpattern`: "[\0-\x7F\xC2-\xFD][\x80-\xBF]*". */
const UTF8_CHARPATTERN = Uint8Array.of(0x5b, 0x00, 0x2d, 0x7f, 0xc2, 0x2d, 0xfd, 0x5d, 0x5b, 0x80, 0x2d, 0xbf, 0x5d, 0x2a);

function setFunctions(L: LuaState, fns: Record<string, CFunction>): void {
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}

/** Opens a standard library (kept out of any global table) and returns its functions by name. */
function openLib(L: LuaState, name: string, open: CFunction): Record<string, CFunction> {
  lauxlib.luaL_requiref(L, name, open, 0);
  const fns: Record<string, CFunction> = {};
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    const fn = lua.lua_type(L, -1) === lua.LUA_TFUNCTION ? lua.lua_tocfunction(L, -1) : null;
    if (fn !== null) fns[fengari.to_jsstring(lua.lua_tostring(L, -2) as Uint8Array)] = fn;
    lua.lua_pop(L, 1);
  }
  lua.lua_pop(L, 1);
  return fns;
}

/** Adds a copy of an opened library to `libs`, with `overrides` replacing some functions. */
function addOpenedLib(L: LuaState, libs: number, name: string, open: CFunction, overrides: Record<string, CFunction>): void {
  lauxlib.luaL_requiref(L, name, open, 0);
  lua.lua_createtable(L, 0, 32);
  copyFields(L, lua.lua_gettop(L) - 1, lua.lua_gettop(L));
  setFunctions(L, overrides);
  lua.lua_setfield(L, libs, name);
  lua.lua_pop(L, 1);
}

function addStringLib(L: LuaState, libs: number): void {
  const original = openLib(L, "string", lualib.luaopen_string);
  const length = (L: LuaState) => (lua.lua_type(L, 1) === lua.LUA_TSTRING ? (lua.lua_tostring(L, 1) as Uint8Array).length : 0);
  const fns: Record<string, CFunction> = {
    ...original,
    ...int32Lib.string(original),
    format: stringFormat(original["format"]!),
    rep: checkedRep(original["rep"]),
    gsub: charged(original["gsub"], (L) => Math.floor(length(L) * perScannedByte)),
    upper: charged(original["upper"], (L) => Math.floor(length(L) * perMappedByte)),
    lower: charged(original["lower"], (L) => Math.floor(length(L) * perMappedByte)),
    reverse: charged(original["reverse"], (L) => Math.floor(length(L) * perMappedByte)),
    char: checkedChar(original["char"] as CFunction),
    gmatch: gmatch53(original["gmatch"] as CFunction),
  };
  delete fns["dump"];
  lua.lua_createtable(L, 0, 20);
  setFunctions(L, fns);
  lua.lua_pushvalue(L, -1);
  lua.lua_setfield(L, libs, "string");
  // Methods on strings ("x"):rep(...) index the hidden prototype; getmetatable("") only sees "locked".
  lua.lua_createtable(L, 0, 2);
  lua.lua_insert(L, -2);
  lua.lua_setfield(L, -2, "__index");
  lua.lua_pushstring(L, "locked");
  lua.lua_setfield(L, -2, "__metatable");
  lua.lua_pushstring(L, "");
  lua.lua_insert(L, -2);
  lua.lua_setmetatable(L, -2);
  lua.lua_pop(L, 1);
}

/**
 * string.rep, refusing before allocation any result longer than maxStringBytes, charging
 * each copy before any is made, and instant for empty results.
 */
function checkedRep(rep: CFunction | undefined): CFunction {
  if (rep === undefined) throw new Error("fengari string library is missing rep");
  return (L) => {
    const s = lauxlib.luaL_checkstring(L, 1);
    const n = lua.lua_type(L, 2) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, 2) : 0;
    const sep = lua.lua_isnoneornil(L, 3) ? 0 : lauxlib.luaL_checkstring(L, 3).length;
    const bytes = s.length * n + sep * (n - 1);
    if (n >= 1) {
      const guard = callContext(L).guard;
      guard.checkString(L, "lib", bytes, "string.rep result");
      guard.tick(L, Math.floor(n * perRepetition));
    }
    if (n >= 1 && bytes === 0) {
      lauxlib.luaL_checkinteger(L, 2);
      lua.lua_pushstring(L, ""); // fengari would loop n times copying nothing
      return 1;
    }
    return rep(L);
  };
}

/** A library function charged `cost(L)` instructions of budget (from its arguments) before it runs. */
function charged(fn: CFunction | null | undefined, cost: (L: LuaState) => number): CFunction {
  if (fn === undefined || fn === null) throw new Error("fengari library is missing a function the sandbox meters");
  return (L) => {
    callContext(L).guard.tick(L, cost(L));
    return fn(L);
  };
}

/** `error`, remembering the message the job chose so the message handler leaves it as it is. */
function choosingError(error: CFunction | null): CFunction {
  if (error === null) throw new Error("fengari base library is missing error");
  return (L) => {
    if (lua.lua_type(L, 1) === lua.LUA_TSTRING) {
      callContext(L).chosenError = fengari.to_jsstring(lua.lua_tostring(L, 1) as Uint8Array, 0, undefined, true);
    }
    return error(L);
  };
}

/**
 * string.char, with its range check done here: fengari's passes its message where the argument
 * number goes, so a value outside 0..255 raised a JavaScript TypeError pcall could not catch.
 */
function checkedChar(char: CFunction): CFunction {
  return (L) => {
    for (let i = 1, n = lua.lua_gettop(L); i <= n; i++) {
      const c = lauxlib.luaL_checkinteger(L, i);
      if (c < 0 || c > 255) lauxlib.luaL_argerror(L, i, "value out of range");
    }
    return char(L);
  };
}

/** string.gmatch, refusing Lua 5.4's third argument (a start position), which fengari's 5.3 gmatch would silently ignore. */
function gmatch53(gmatch: CFunction): CFunction {
  return (L) => {
    if (!lua.lua_isnoneornil(L, 3)) lauxlib.luaL_error(L, "string.gmatch's init argument is Lua 5.4, and fengari is Lua 5.3: use --engine wasmoon");
    return gmatch(L);
  };
}

function chargingThread(fn: CFunction | undefined): CFunction {
  if (fn === undefined) throw new Error("fengari coroutine library is missing a function");
  return (L) => {
    callContext(L).guard.charge(HEAP_COST.thread);
    return fn(L);
  };
}

/** Gives every library function its `tostring` id now, so ids never depend on earlier calls. */
function assignFunctionIds(L: LuaState): void {
  const visit = (field: string) => {
    lua.lua_getfield(L, REG, field);
    const t = lua.lua_gettop(L);
    lua.lua_pushnil(L);
    while (lua.lua_next(L, t)) {
      if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
        const inner = lua.lua_gettop(L);
        lua.lua_pushnil(L);
        while (lua.lua_next(L, inner)) {
          lauxlib.luaL_tolstring(L, -1);
          lua.lua_pop(L, 2);
        }
      } else lauxlib.luaL_tolstring(L, -1);
      lua.lua_settop(L, t + 1);
    }
    lua.lua_pop(L, 1);
  };
  visit(BASE_FIELD);
  visit(LIBS_FIELD);
}

/** Turns a JavaScript exception inside fengari into a Lua error and trips the running call's guard. */
const nativeError: CFunction = (L) => {
  const e = lua.lua_touserdata(L, 1);
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  let kind: "runtime" | "memory" = "runtime";
  let message = `internal error in the Lua engine (${text})`;
  if (e instanceof RangeError && /call stack/i.test(e.message)) message = "stack overflow (JavaScript stack exhausted)";
  else if (e instanceof RangeError && /allocation failed|invalid (typed )?array length|invalid string length/i.test(e.message)) {
    kind = "memory";
    message = `not enough memory (${text})`;
  }
  lua.lua_pushstring(L, activeGuard()?.tripQuietly(L, kind, message) ?? message);
  return 1;
};
