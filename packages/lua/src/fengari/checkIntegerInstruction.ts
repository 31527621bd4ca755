import type { LuaState, TString, TValue } from "fengari";
import lobject from "fengari/src/lobject.js";
import defs from "fengari/src/defs.js";
import lopcodes from "fengari/src/lopcodes.js";
import lvm from "fengari/src/lvm.js";
import type { IntegerOp } from "./int32Overflow.ts";
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

/** Binary opcodes whose integer result fengari wraps to 32 bits, by opcode. */
const BINARY: (IntegerOp | undefined)[] = [];
BINARY[op("OP_ADD")] = "+";
BINARY[op("OP_SUB")] = "-";
BINARY[op("OP_MUL")] = "*";
BINARY[op("OP_IDIV")] = "//";
BINARY[op("OP_SHL")] = "<<";
BINARY[op("OP_SHR")] = ">>";
const OP_UNM = op("OP_UNM");
const OP_MOD = op("OP_MOD");
const OP_FORPREP = op("OP_FORPREP");
const OP_FORLOOP = op("OP_FORLOOP");
const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

/** Loop indexes whose FORPREP wrapped (start - step), with that value: their first FORLOOP wraps back. */
const wrappedStarts = new WeakMap<TValue, number>();

/**
 * Runs before each Lua instruction (from luaG_traceexec, so while a count hook is set,
 * as in every call of a job): raises a Lua error where fengari's 32-bit integer arithmetic
 * would silently give another result than Lua 5.4's 64-bit one (+ - * // << >> and unary
 * minus, integer `for` loops), and where 5.4 refuses a `for` step of zero that 5.3 loops on.
 * Shifts take any integral operands, as the VM's own do; the rest only integers.
 */
export function checkIntegerInstruction(L: LuaState): void {
  const ci = L.ci;
  const i = ci.l_code[ci.l_savedpc - 1];
  if (i === undefined) return;
  const code = i.opcode;
  const binary = BINARY[code];
  if (binary !== undefined) {
    const k = ci.func.value.p.k;
    const b = i.B & BITRK ? k[i.B & ~BITRK]! : L.stack[ci.l_base + i.B]!;
    const c = i.C & BITRK ? k[i.C & ~BITRK]! : L.stack[ci.l_base + i.C]!;
    let x: number | false, y: number | false;
    if (b.type === INT && c.type === INT) {
      x = b.value as number;
      y = c.value as number;
    } else if (binary === "<<" || binary === ">>") {
      if ((x = lvm.tointeger(b)) === false || (y = lvm.tointeger(c)) === false) return;
    } else {
      if (isString(b) || isString(c)) checkStringArith(L, binary, b, c);
      return;
    }
    if (int32Overflows(binary, x, y)) raise(L, overflowMessage(binary, x, y));
  } else if (code === OP_UNM) {
    const o = L.stack[ci.l_base + i.B]!;
    if (isString(o)) checkStringArith(L, "unm", o, o);
    else if (o.type === INT && int32Overflows("unm", o.value as number, 0)) raise(L, overflowMessage("unm", o.value as number, 0));
  } else if (code === OP_MOD) {
    const k = ci.func.value.p.k;
    const b = i.B & BITRK ? k[i.B & ~BITRK]! : L.stack[ci.l_base + i.B]!;
    const c = i.C & BITRK ? k[i.C & ~BITRK]! : L.stack[ci.l_base + i.C]!;
    if (isString(b) || isString(c)) checkStringArith(L, "%", b, c);
  } else if (code === OP_FORPREP) {
    forPrep(L, ci.l_base + i.A);
  } else if (code === OP_FORLOOP) {
    forLoop(L, ci.l_base + i.A);
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
