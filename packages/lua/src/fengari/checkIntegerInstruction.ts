import type { Instruction, LuaState, TString, TValue } from "fengari";
import fengari from "fengari";
import ldebug from "fengari/src/ldebug.js";
import lobject from "fengari/src/lobject.js";
import defs from "fengari/src/defs.js";
import lopcodes from "fengari/src/lopcodes.js";
import lvm from "fengari/src/lvm.js";
import type { IntegerOp } from "./int32Overflow.ts";
import { luaFloatString } from "./formatFloat.ts";
import { int32Overflows, overflowMessage } from "./int32Overflow.ts";
import { raiseLuaError as raise } from "./raiseLuaError.ts";

const INT = defs.constant_types["LUA_TNUMINT"]!;
const FLT = defs.constant_types["LUA_TNUMFLT"]!;
const NUMBER = defs.constant_types["LUA_TNUMBER"]!;
const STRING = defs.constant_types["LUA_TSTRING"]!;
/** Short and long strings: the variant bits above the low four differ. */
const isString = (o: TValue) => (o.type & 0x0f) === STRING;
const BITRK = lopcodes.BITRK;
const op = (name: string) => lopcodes.OpCodesI[name]!;

/** Arithmetic opcodes whose integer result fengari wraps to 32 bits (or, for %, reads strings as floats), by opcode. */
const ARITH: (IntegerOp | "%" | undefined)[] = [];
ARITH[op("OP_ADD")] = "+";
ARITH[op("OP_SUB")] = "-";
ARITH[op("OP_MUL")] = "*";
ARITH[op("OP_IDIV")] = "//";
ARITH[op("OP_SHL")] = "<<";
ARITH[op("OP_SHR")] = ">>";
ARITH[op("OP_UNM")] = "unm";
ARITH[op("OP_MOD")] = "%";
/** Bitwise opcodes: Lua 5.4 refuses strings there (its string coercions cover arithmetic only); fengari converted them. */
const BITWISE = new Set(["OP_BAND", "OP_BOR", "OP_BXOR", "OP_SHL", "OP_SHR", "OP_BNOT"].map(op));
const OP_BNOT = op("OP_BNOT");
const BITWISE_ERROR = fengari.to_luastring("perform bitwise operation on");
const OP_FORPREP = op("OP_FORPREP");
const OP_FORLOOP = op("OP_FORLOOP");
const OP_MOD = op("OP_MOD");
/** 1 for the opcodes checked before they run (loops, %), so every other instruction costs one load. */
const LOOP = new Uint8Array(64);
LOOP[OP_FORPREP] = 1;
LOOP[OP_FORLOOP] = 1;
LOOP[OP_MOD] = 1;
const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

/** Loop indexes whose FORPREP wrapped (start - step), with that value: their first FORLOOP wraps back. */
const wrappedStarts = new WeakMap<TValue, number>();

/** The instruction the running Lua function of `L` is executing, or undefined in a C function. */
function current(L: LuaState): { i: Instruction; base: number; k: TValue[] } | undefined {
  const ci = L.ci;
  // A C function's CallInfo has no code (undefined, or null at the base of the stack).
  const code: Instruction[] | null | undefined = ci.l_code;
  const i = code?.[ci.l_savedpc - 1];
  return i === undefined ? undefined : { i, base: ci.l_base, k: ci.func.value.p.k };
}

function operand(L: LuaState, base: number, k: TValue[], r: number): TValue {
  return r & BITRK ? k[r & ~BITRK]! : L.stack[base + r]!;
}

/**
 * Runs before each Lua instruction (from luaG_traceexec, so while a count hook is set, as
 * in every call of a job), and costs one table load for all but two: integer `for` loops
 * would wrap past 32 bits where Lua 5.4 goes on or stops, and 5.4 refuses a step of zero
 * that 5.3 loops on.
 */
export function checkIntegerInstruction(L: LuaState): void {
  const ci = L.ci;
  const i = ci.l_code[ci.l_savedpc - 1];
  if (i === undefined || LOOP[i.opcode] === 0) return;
  if (i.opcode === OP_FORPREP) forPrep(L, ci.l_base + i.A);
  else if (i.opcode === OP_FORLOOP) forLoop(L, ci.l_base + i.A);
  else floatMod(L, operand(L, ci.l_base, ci.func.value.p.k, i.B), operand(L, ci.l_base, ci.func.value.p.k, i.C));
}

/**
 * Float `%` as Lua 5.4 corrects fmod's sign (by comparing m and b) against fengari's Lua 5.3
 * rule (m * b < 0), which underflows for tiny operands: `(-2.1e-300) % 2e-300` comes out
 * negative. Where the two differ, raise rather than answer otherwise.
 */
function floatMod(L: LuaState, b: TValue, c: TValue): void {
  if ((b.type & 0x0f) !== NUMBER || (c.type & 0x0f) !== NUMBER || (b.type === INT && c.type === INT)) return;
  const x = b.value as number;
  const y = c.value as number;
  const m = x % y;
  const lua53 = m * y < 0;
  const lua54 = m > 0 ? y < 0 : m < 0 && y !== m;
  if (lua53 !== lua54) raise(L, `float modulo ${luaFloatString(x)} % ${luaFloatString(y)}: fengari's Lua 5.3 rule loses the sign of so small a result (Lua 5.4 keeps it; use --engine wasmoon)`);
}

/**
 * Runs as fengari's VM stores an integer into `target` (TValue.setivalue), before the
 * store: when that is the result of + - * // << >> or unary minus on integers, raises
 * where Lua 5.4's 64-bit result differs from the 32-bit one fengari computed. Float
 * arithmetic never gets here, so float-heavy code pays nothing.
 */
export function checkIntegerResult(L: LuaState, target: TValue): void {
  const ci = L.ci;
  // A C function's CallInfo has no code (undefined, or null at the base of the stack).
  const code: Instruction[] | null | undefined = ci.l_code;
  const i = code?.[ci.l_savedpc - 1];
  if (i === undefined) return;
  const op = ARITH[i.opcode];
  if (op === undefined || op === "%" || target !== L.stack[ci.l_base + i.A]) return;
  if (op === "unm") {
    const o = L.stack[ci.l_base + i.B]!;
    if (o.type === INT && int32Overflows("unm", o.value as number, 0)) raise(L, overflowMessage("unm", o.value as number, 0));
    return;
  }
  const k = ci.func.value.p.k;
  const b = operand(L, ci.l_base, k, i.B);
  const c = operand(L, ci.l_base, k, i.C);
  const shift = op === "<<" || op === ">>";
  const x = shift ? lvm.tointeger(b) : b.type === INT && (b.value as number);
  const y = shift ? lvm.tointeger(c) : c.type === INT && (c.value as number);
  if (x !== false && y !== false && int32Overflows(op, x, y)) raise(L, overflowMessage(op, x, y));
}

let checkingStrings = false;

/**
 * Runs when fengari's VM has read a numeric string (luaO_str2num). For a bitwise operator,
 * Lua 5.4 raises where fengari would compute ("3" | 0 is 3); for + - * % // or unary minus
 * whose operands all read as integers, Lua 5.4 gives an integer where fengari (like 5.3's VM)
 * computes a float. Either way, raise instead.
 */
export function checkStringArithmetic(L: LuaState): void {
  if (checkingStrings) return;
  const at = current(L);
  if (at === undefined) return;
  const { i, base, k } = at;
  if (BITWISE.has(i.opcode)) {
    const b = operand(L, base, k, i.B);
    ldebug.luaG_typeerror(L, isString(b) || i.opcode === OP_BNOT ? b : operand(L, base, k, i.C), BITWISE_ERROR);
  }
  const op = ARITH[i.opcode];
  if (op === undefined || op === "<<" || op === ">>") return;
  checkingStrings = true;
  try {
    const b = operand(L, base, k, i.B);
    checkStringArith(L, op, b, op === "unm" ? b : operand(L, base, k, i.C));
  } finally {
    checkingStrings = false;
  }
}

/** An operand of `+` and friends read as Lua 5.4 reads it: its integer, or null when it is a float or no number. */
function integerOperand(o: TValue): number | null {
  if (o.type === INT) return o.value as number;
  if (!isString(o)) return null;
  const n = new lobject.TValue(0, null);
  const s = (o.value as TString).realstring;
  return lobject.luaO_str2num(s, n) === s.length + 1 && n.type === INT ? (n.value as number) : null;
}

/**
 * Lua 5.4 does arithmetic on numeric strings as on the numbers they read as, so "10" + 1
 * is the integer 11; fengari (like 5.3's VM) reads them as floats and gives 11.0. Raise
 * where the two would differ: every operand is an integer or a string reading as one.
 */
function checkStringArith(L: LuaState, op: IntegerOp | "%", b: TValue, c: TValue): void {
  const x = integerOperand(b);
  const y = integerOperand(c);
  if (x === null || y === null) return;
  const shown = (o: TValue, n: number) => (isString(o) ? `"${n}"` : `${n}`);
  const what = op === "unm" ? `-${shown(b, x)}` : `${shown(b, x)} ${op} ${shown(c, y)}`;
  raise(L, `arithmetic on a numeric string: Lua 5.4 gives ${what} as an integer, fengari as a float; convert with tonumber first (or use --engine wasmoon)`);
}

function forPrep(L: LuaState, ra: number): void {
  const init = L.stack[ra]!;
  const step = L.stack[ra + 2]!;
  if ((step.type & 0x0f) === NUMBER && step.value === 0) raise(L, "'for' step is zero");
  if (init.type === INT && step.type === INT) {
    const start = (init.value as number) - (step.value as number);
    if ((start | 0) !== start) wrappedStarts.set(init, start | 0);
    else wrappedStarts.delete(init);
  }
}

function forLoop(L: LuaState, ra: number): void {
  const index = L.stack[ra]!;
  if (index.type !== INT) return;
  const idx = index.value as number;
  const step = L.stack[ra + 2]!.value as number;
  const next = idx + step;
  if ((next | 0) === next) return;
  if (wrappedStarts.get(index) === idx) {
    wrappedStarts.delete(index);
    return;
  }
  const limit = L.stack[ra + 1]!;
  // FORPREP clipped a float limit past the 32-bit range to the range's end; Lua 5.4 goes on.
  if (limit.type === FLT && limit.value === (step > 0 ? INT32_MAX : INT32_MIN)) {
    raise(L, overflowMessage("+", idx, step));
  }
  // The next index is past the limit, so Lua 5.4 stops here; fengari would wrap and go on.
  // A float index makes fengari's FORLOOP compare without wrapping (the index is internal).
  index.type = FLT;
}
