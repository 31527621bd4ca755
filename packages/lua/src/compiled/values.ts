/**
 * Lua values as the compiled engine holds them in JavaScript:
 * nil `undefined`, booleans, integers as safe JS integers (bigint past ±(2^53 − 1), always
 * wrapped to 64 bits), floats as non-integral JS numbers (NaN, ±inf, fractions) or, when their
 * value is integral (3.0, -0.0, 1e300), boxed in {@link LuaFloat} so 3.0 stays apart from 3.
 * Strings are byte strings (one char code 0–255 per byte), tables {@link LuaTable}, functions
 * plain JS functions taking their arguments and returning an array of results.
 */
export type LuaValue = undefined | boolean | number | bigint | string | LuaFloat | LuaFunction | LuaTableLike;

/** A Lua function as compiled: arguments in, every result out. */
export type LuaFunction = (...args: LuaValue[]) => LuaValue[];

/** What LuaTable implements, named here to keep the value union free of an import cycle. */
export interface LuaTableLike {
  readonly isLuaTable: true;
}

/** An integral float (3.0, -0.0, 2^70 as a float): boxed so its type stays float. */
export class LuaFloat {
  /** The brand {@link isBoxedFloat} tests. */
  readonly isLuaFloat = true;
  constructor(readonly n: number) {}
}

/**
 * Whether `v` is a boxed float. Hot paths test this brand rather than `instanceof`: V8 makes
 * `instanceof` several times slower once a class's `name` is redefined, which tsx (how the
 * repository runs TypeScript) does to every class.
 */
export function isBoxedFloat(v: LuaValue): v is LuaFloat {
  return typeof v === "object" && (v as Partial<LuaFloat>).isLuaFloat === true;
}

/** A Lua error raised by `error` or by the runtime: `value` is what pcall returns. */
export class LuaThrow {
  constructor(
    readonly value: LuaValue,
    /** True when the compiled engine stops the chunk outright (budget, memory): pcall does not catch it. */
    readonly fatal = false,
    /** `memory` for a memory limit (fatal or a catchable oversized string), so an uncaught one fails with that kind. */
    readonly kind?: "memory",
  ) {}
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** 0.0 and -0.0, the integral floats arithmetic makes most (0.0 * x, x - x): boxed once, as a box is never mutated nor compared by identity alone. */
const ZERO = new LuaFloat(0);
const NEGATIVE_ZERO = new LuaFloat(-0);

/** A float as the engine stores it: boxed when integral. */
export function float(x: number): number | LuaFloat {
  if (!Number.isInteger(x)) return x;
  if (x === 0) return Object.is(x, -0) ? NEGATIVE_ZERO : ZERO;
  return new LuaFloat(x);
}

/** A 64-bit integer in canonical form: wrapped, a number when safe, else a bigint. */
export function intOf(b: bigint): number | bigint {
  const w = BigInt.asIntN(64, b);
  return w >= -MAX_SAFE && w <= MAX_SAFE ? Number(w) : w;
}

/** A float's JS number. */
export function floatValue(v: number | LuaFloat): number {
  return typeof v === "number" ? v : v.n;
}

/** Any Lua number as a JS double (integers converted as C does). */
export function toDouble(v: number | bigint | LuaFloat): number {
  return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : v.n;
}

/** A double as a Lua integer when it has an exact 64-bit representation, else undefined. */
export function doubleToInt(x: number): number | bigint | undefined {
  if (!Number.isInteger(x)) return undefined;
  if (x >= -MAX_SAFE && x <= MAX_SAFE) return x + 0;
  if (x < -9223372036854775808 || x >= 9223372036854775808) return undefined;
  return intOf(BigInt(x));
}

/** `x.toFixed(p)` with C's rounding: an exact tie goes to the even digit (JS rounds it up). */
export function toFixedEven(x: number, p: number): string {
  if (Math.abs(x) >= 1e21) return `${BigInt(x).toString()}${p > 0 ? `.${"0".repeat(p)}` : ""}`;
  const s = x.toFixed(p);
  const exact = x.toFixed(100);
  const dot = exact.indexOf(".");
  if (!/^50*$/.test(exact.slice(dot + 1 + p))) return s;
  const truncated = p === 0 ? exact.slice(0, dot) : exact.slice(0, dot + 1 + p);
  return Number(truncated[truncated.length - 1]) % 2 === 0 ? truncated : s;
}

/** `x.toExponential(f)` with C's rounding of exact ties to even (for values whose exact decimal form JS can print). */
export function toExponentialEven(x: number, f: number): string {
  const s = x.toExponential(f);
  const a = Math.abs(x);
  if (!Number.isFinite(a) || a >= 1e21 || a === 0) return s;
  const exact = Number.isInteger(a) ? BigInt(a).toString() : a.toFixed(100);
  const digits = exact.replace(".", "").replace(/^0+/, "");
  const rest = digits.slice(f + 1);
  if (!/^50*$/.test(rest)) return s;
  const kept = digits.slice(0, f + 1);
  if (Number(kept[kept.length - 1]) % 2 !== 0) return s;
  const [, e] = s.split("e") as [string, string];
  return `${x < 0 ? "-" : ""}${kept[0]}${f > 0 ? `.${kept.slice(1)}` : ""}e${e}`;
}

/** Lua's `%.14g` for a float, with ".0" when it reads as an integer, as `tostring` prints. */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return isNegativeNaN(x) ? "-nan" : "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const s = formatG(x, 14, false);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

function isNegativeNaN(x: number): boolean {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return (view.getUint8(0) & 0x80) !== 0;
}

/** C's `%.<p>g` (with `alt` for `%#g`) of a finite double. */
export function formatG(x: number, p: number, alt: boolean): string {
  if (p === 0) p = 1;
  if (x === 0) return (Object.is(x, -0) ? "-" : "") + (alt ? `0.${"0".repeat(p - 1)}` : "0");
  const [m, e] = toExponentialEven(x, p - 1).split("e") as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= p) {
    const mant = alt ? m : stripZeros(m);
    const en = Number(e);
    return `${mant}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  }
  const fixed = toFixedEven(x, p - 1 - exp);
  return alt ? fixed : stripZeros(fixed);
}

function stripZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** C's `%a` of a finite double, as glibc prints it. */
export function hexFloat(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const sign = hi >>> 31 ? "-" : "";
  const e = (hi >>> 20) & 0x7ff;
  const mant = ((BigInt(hi & 0xfffff) << 32n) | BigInt(lo)).toString(16).padStart(13, "0").replace(/0+$/, "");
  if (e === 0 && mant === "") return `${sign}0x0p+0`;
  const lead = e === 0 ? "0" : "1";
  const exp = e === 0 ? -1022 : e - 1023;
  return `${sign}0x${lead}${mant === "" ? "" : `.${mant}`}p${exp < 0 ? "-" : "+"}${Math.abs(exp)}`;
}
