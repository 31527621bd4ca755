import type { LuaFloat} from "./values.ts";
import { doubleToInt, float, intOf, isBoxedFloat, type LuaValue } from "./values.ts";

/** A Lua number: an integer (number or bigint) or a float (number or LuaFloat). */
export type LuaNumber = number | bigint | LuaFloat;

/** Whether `v` is a Lua number. */
export function isNumber(v: LuaValue): v is LuaNumber {
  return typeof v === "number" || typeof v === "bigint" || isBoxedFloat(v);
}

const DEC_INT = /^[-+]?\d+$/;
const HEX_INT = /^([-+]?)0[xX]([0-9a-fA-F]+)$/;
const DEC_FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const HEX_FLOAT = /^([-+]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([-+]?\d+))?$/;

/** Lua's string-to-number conversion (`tonumber(s)`, arithmetic on strings), or undefined. */
export function parseNumber(text: string): LuaNumber | undefined {
  const s = text.replace(/^[ \f\n\r\t\v]+|[ \f\n\r\t\v]+$/g, "");
  if (DEC_INT.test(s)) {
    const b = BigInt(s);
    if (b >= -(1n << 63n) && b < 1n << 63n) return intOf(b);
    return float(Number(s));
  }
  const hex = HEX_INT.exec(s);
  if (hex) {
    const b = BigInt(`0x${hex[2]}`);
    return intOf(hex[1] === "-" ? -b : b);
  }
  if (DEC_FLOAT.test(s)) return float(Number(s));
  const hf = HEX_FLOAT.exec(s);
  if (hf && (hf[2] !== "" || (hf[3] ?? "") !== "")) {
    const digits = (hf[2] ?? "") + (hf[3] ?? "");
    let m = 0;
    for (const d of digits) m = m * 16 + parseInt(d, 16);
    const e = Number(hf[4] ?? "0") - 4 * (hf[3] ?? "").length;
    const x = m * Math.pow(2, e);
    return float(hf[1] === "-" ? -x : x);
  }
  return undefined;
}

/** `tonumber(s, base)` for an integer base 2–36, or undefined. */
export function parseInBase(text: string, base: number): LuaNumber | undefined {
  const s = text.replace(/^[ \f\n\r\t\v]+|[ \f\n\r\t\v]+$/g, "").toLowerCase();
  const m = /^(-?)([0-9a-z]+)$/.exec(s);
  if (!m) return undefined;
  let n = 0n;
  for (const c of m[2]!) {
    const d = parseInt(c, 36);
    if (d >= base) return undefined;
    n = n * BigInt(base) + BigInt(d);
  }
  return intOf(m[1] === "-" ? -n : n);
}

/** Floor division of two integers, with Lua's wrap-around. */
export function idivInt(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === "number" && typeof b === "number" && Math.abs(a) < 2 ** 31 && Math.abs(b) < 2 ** 31) return Math.floor(a / b) + 0;
  const x = BigInt(a);
  const y = BigInt(b);
  let q = x / y;
  if (x % y !== 0n && x < 0n !== y < 0n) q -= 1n;
  return intOf(q);
}

/** Lua's integer modulo (result takes the divisor's sign). */
export function modInt(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === "number" && typeof b === "number") {
    let r = a % b;
    if (r !== 0 && r < 0 !== b < 0) r += b;
    return r + 0;
  }
  const x = BigInt(a);
  const y = BigInt(b);
  let r = x % y;
  if (r !== 0n && r < 0n !== y < 0n) r += y;
  return intOf(r);
}

/** Lua 5.4's float modulo (luai_nummod). */
export function modFloat(a: number, b: number): number {
  let m = a % b;
  if (m > 0 ? b < 0 : m < 0 && b !== m) m += b;
  return m;
}

/** An integer or float to a Lua integer for bitwise operations and the like, or undefined. */
export function toInteger(v: LuaNumber): number | bigint | undefined {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return Number.isInteger(v) ? v : undefined;
  return doubleToInt(v.n);
}

/** Compares two numbers exactly (integers against floats without rounding): -1, 0, 1, or NaN when unordered. */
export function compareNumbers(a: LuaNumber, b: LuaNumber): number {
  const x = typeof a === "object" ? a.n : a;
  const y = typeof b === "object" ? b.n : b;
  if (typeof x === "number" && typeof y === "number") return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
  if (typeof x === "bigint" && typeof y === "bigint") return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === "bigint") return -compareNumbers(y as number, x);
  const f = x as number;
  const i = y as bigint;
  if (Number.isNaN(f)) return NaN;
  if (f === Infinity) return 1;
  if (f === -Infinity) return -1;
  const fl = BigInt(Math.floor(f));
  if (fl < i) return -1;
  if (fl > i) return 1;
  return Number.isInteger(f) ? 0 : 1;
}
