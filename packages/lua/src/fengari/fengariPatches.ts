import fengari from "fengari";
import type { LuaState, Table, TString, TValue } from "fengari";
import defs from "fengari/src/defs.js";
import ldebug from "fengari/src/ldebug.js";
import lobject from "fengari/src/lobject.js";
import lparser from "fengari/src/lparser.js";
import lstring from "fengari/src/lstring.js";
import lvm from "fengari/src/lvm.js";
import ltable from "fengari/src/ltable.js";
import { activeGuard } from "./CallGuard.ts";
import { checkIntegerInstruction, checkIntegerResult, checkStringArithmetic } from "./checkIntegerInstruction.ts";
import { HEAP_COST } from "./heapCost.ts";
import type { IntegerOp } from "./int32Overflow.ts";
import { luaFloatString } from "./formatFloat.ts";
import { beyondInt32, int32Overflows } from "./int32Overflow.ts";
import { numeralBeyondInt32 } from "./int64Numeral.ts";
import { raiseLuaError } from "./raiseLuaError.ts";
import { KEY, stringKey } from "./stringKey.ts";

const BUFFER = Symbol("shoal.buffer");
const PERCENT = 0x25;
const LETTER_F = 0x66;
const LETTER_S = 0x73;
const INT = defs.constant_types["LUA_TNUMINT"]!;
const FLT = defs.constant_types["LUA_TNUMFLT"]!;
const NIL = defs.constant_types["LUA_TNIL"]!;
/** lua_arith's operators (LUA_OPADD...) whose integer results fengari wraps to 32 bits. */
const FOLDED: Partial<Record<number, IntegerOp>> = {
  [defs.LUA_OPADD]: "+",
  [defs.LUA_OPSUB]: "-",
  [defs.LUA_OPMUL]: "*",
  [defs.LUA_OPIDIV]: "//",
  [defs.LUA_OPSHL]: "<<",
  [defs.LUA_OPSHR]: ">>",
  [defs.LUA_OPUNM]: "unm",
};
const PATCHED = Symbol.for("shoal.fengari.patched");

/** Compilations under way (numerals are then refused quietly), and the thread that ran the last instruction. */
let parsing = 0;
let running: LuaState | null = null;

type PatchTarget = { [PATCHED]?: true };
type BufferObject = { L: LuaState | null; [BUFFER]: Uint8Array };
type KeyedString = TString & { [KEY]: string | null };

/**
 * Wraps a few fengari internals that its VM and libraries call through module objects,
 * so the active CallGuard sees what the count hook cannot: every instruction (concat
 * sizes, closures), table growth, every string created, and luaL_Buffer growth (gsub,
 * format, pack, concat...). With no call running the wrappers only forward. Also replaces
 * the table key of strings (see stringKey.ts). Process-wide and idempotent; it must run
 * before any fengari state is created.
 */
export function installFengariPatches(): void {
  const marker = ldebug as PatchTarget;
  if (marker[PATCHED]) return;
  marker[PATCHED] = true;

  const traceexec = ldebug.luaG_traceexec;
  ldebug.luaG_traceexec = (L) => {
    activeGuard()?.beforeInstruction(L);
    running = L;
    checkIntegerInstruction(L);
    traceexec(L);
  };

  // Integer results of arithmetic, checked as the VM stores them (see checkIntegerResult).
  lobject.TValue.prototype.setivalue = function (this: TValue, x: number) {
    if (running !== null) checkIntegerResult(running, this);
    this.type = INT;
    this.value = x;
  };

  // Constant folding would wrap `2147483647 + 1` at compile time: leave such operations to
  // the VM, whose check above raises with the line. A NaN result is what lcode.js never folds.
  const arith = lobject.luaO_arith;
  lobject.luaO_arith = (L, op, p1, p2, res) => {
    const intOp = L === null ? FOLDED[op] : undefined;
    if (intOp !== undefined) {
      const shift = intOp === "<<" || intOp === ">>";
      const x = shift ? lvm.tointeger(p1) : p1.type === INT && (p1.value as number);
      const y = shift ? lvm.tointeger(p2) : p2.type === INT && (p2.value as number);
      if (x !== false && y !== false && int32Overflows(intOp, x, y)) {
        res.type = FLT;
        res.value = NaN;
        return;
      }
    }
    arith(L, op, p1, p2, res);
  };

  const newTable = ltable.luaH_new;
  ltable.luaH_new = (L) => {
    activeGuard()?.charge(HEAP_COST.table);
    return newTable(L);
  };
  const setint = ltable.luaH_setint;
  ltable.luaH_setint = (t: Table, key: number, value: TValue) => {
    const size = t.strong.size;
    setint(t, key, value);
    if (t.strong.size > size) activeGuard()?.charge(HEAP_COST.entry);
  };
  const setfrom = ltable.luaH_setfrom;
  ltable.luaH_setfrom = (L: LuaState, t: Table, key: TValue, value: TValue) => {
    // Lua 5.4 stores a float key with an integer value as that integer (t[2^53] comes back from
    // pairs as 9007199254740992); fengari can only do so within 32 bits, so past them it refuses
    // rather than hand back a float key that prints as 9.007199254741e+15. (The compiler keys its
    // constant cache by float too; that table never reaches Lua.)
    if (parsing === 0 && key.type === FLT && value.type !== NIL && floatKeyBeyondInt32(key.value as number)) {
      raiseLuaError(L, beyondInt32(`table key ${luaFloatString(key.value as number)} (an integer key in Lua 5.4)`));
    }
    const size = t.strong.size;
    setfrom(L, t, key, value);
    if (t.strong.size > size) activeGuard()?.charge(HEAP_COST.entry);
  };

  // Lua 5.4 reads "3000000000" as an integer; fengari wraps hex numerals to 32 bits and
  // reads long decimal ones as floats. Refuse both: while compiling as a malformed number
  // (see compileError.ts), in a running call (tonumber, "3000000000" + 0) with a Lua error.
  const parser = lparser.luaY_parser;
  lparser.luaY_parser = (...args: unknown[]) => {
    const wasRunning = running;
    parsing++;
    running = null;
    try {
      return parser(...args);
    } finally {
      parsing--;
      running = wasRunning;
    }
  };
  const str2num = lobject.luaO_str2num;
  lobject.luaO_str2num = (s, o) => {
    if (!numeralBeyondInt32(s)) {
      const length = str2num(s, o);
      if (length !== 0 && parsing === 0 && running !== null && activeGuard() !== null) checkStringArithmetic(running);
      return length;
    }
    if (parsing === 0 && running !== null && activeGuard() !== null) {
      const text = fengari.to_jsstring(s, 0, undefined, true).trim();
      raiseLuaError(running, beyondInt32(`integer ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`));
    }
    return 0;
  };

  // Floats as Lua 5.4 writes them ("%.14g": -0.0, 9.007199254741e+15, inf, -nan): in
  // tostring, `..` and lua_tolstring, and in lua_pushfstring's %f (luaL_tolstring: print).
  const tostring = lobject.luaO_tostring;
  lobject.luaO_tostring = (L, obj) => {
    if (obj.type !== FLT) return tostring(L, obj);
    obj.setsvalue(lstring.luaS_bless(L, fengari.to_luastring(luaFloatString(obj.value as number))));
  };
  const pushvfstring = lobject.luaO_pushvfstring;
  lobject.luaO_pushvfstring = (L, fmt, argp) => {
    const floats = floatsAsStrings(fmt, argp);
    return floats === null ? pushvfstring(L, fmt, argp) : pushvfstring(L, floats.fmt, floats.argp);
  };

  const pushString = lobject.pushsvalue2s;
  lobject.pushsvalue2s = (L: LuaState, ts: TString) => {
    pushString(L, ts);
    activeGuard()?.stringCreated(L, "lib", ts.realstring.length);
  };
  const setString = lobject.setsvalue2s;
  lobject.setsvalue2s = (L: LuaState, index: number, ts: TString) => {
    setString(L, index, ts);
    activeGuard()?.stringCreated(L, "vm", ts.realstring.length);
  };

  Object.defineProperty(lstring.TString.prototype, "hash", {
    configurable: true,
    get(this: KeyedString) {
      let key = this[KEY];
      if (key === null || key === undefined) {
        key = this[KEY] = stringKey(this.realstring);
        activeGuard()?.charge(key.length);
      }
      return key;
    },
    set(this: KeyedString, key: string | null) {
      this[KEY] = key;
    },
  });

  Object.defineProperty(fengari.lauxlib.luaL_Buffer.prototype, "b", {
    configurable: true,
    get(this: BufferObject) {
      return this[BUFFER];
    },
    set(this: BufferObject, b: Uint8Array) {
      // Capacity doubles, so only a buffer past twice the limit proves the content is past it;
      // the exact check happens when the result is pushed (pushsvalue2s above).
      const guard = activeGuard();
      if (guard !== null && this.L !== null && b.length > 2 * guard.limits.maxStringBytes) {
        guard.memoryError(this.L, "lib", `string too large (more than ${guard.limits.maxStringBytes} bytes)`);
      }
      this[BUFFER] = b;
    },
  });
}

/** A lua_pushfstring format and arguments with each %f turned into %s of the float as Lua 5.4 writes it, or null if it has no %f. */
function floatsAsStrings(fmt: Uint8Array, argp: unknown[]): { fmt: Uint8Array; argp: unknown[] } | null {
  let out: { fmt: Uint8Array; argp: unknown[] } | null = null;
  for (let i = 0, a = 0; i < fmt.length - 1; i++) {
    if (fmt[i] !== PERCENT) continue;
    const c = fmt[++i];
    if (c === PERCENT) continue;
    if (c === LETTER_F) {
      out ??= { fmt: Uint8Array.from(fmt), argp: [...argp] };
      out.fmt[i] = LETTER_S;
      out.argp[a] = fengari.to_luastring(luaFloatString(argp[a] as number));
    }
    a++;
  }
  return out;
}

/** A float with an integer value that Lua 5.4 would turn into a 64-bit integer key, but fengari's 32 bits cannot hold. */
function floatKeyBeyondInt32(value: number): boolean {
  return Number.isInteger(value) && (value | 0) !== value && value >= -(2 ** 63) && value < 2 ** 63;
}
