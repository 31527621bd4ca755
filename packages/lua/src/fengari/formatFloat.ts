/** Options of one C printf conversion of a double: `%[flags][width][.precision](e|E|f|F|g|G)`. */
export interface FloatSpec {
  conversion: "a" | "A" | "e" | "E" | "f" | "F" | "g" | "G";
  precision?: number;
  width?: number;
  /** printf flags: "-", "+", " ", "#", "0". */
  flags?: string;
}

const FLOAT = new Float64Array(1);
const BITS = new BigUint64Array(FLOAT.buffer);
const SIGN_BIT = 1n << 63n;

/** True for -0.0 and for a NaN with its sign bit set (which glibc prints as "-nan"). */
function signBit(x: number): boolean {
  FLOAT[0] = x;
  return (BITS[0]! & SIGN_BIT) !== 0n;
}

/** The exact decimal value of finite `x > 0` as digits × 10^exponent (every double has one). */
function exactDecimal(x: number): { digits: string; exponent: number } {
  FLOAT[0] = x;
  const bits = BITS[0]!;
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let e2 = biased === 0 ? -1074 : biased - 1075;
  if (biased !== 0) mantissa |= 1n << 52n;
  while ((mantissa & 1n) === 0n && e2 < 0) {
    mantissa >>= 1n;
    e2++;
  }
  if (e2 >= 0) return { digits: (mantissa << BigInt(e2)).toString(), exponent: 0 };
  return { digits: (mantissa * 5n ** BigInt(-e2)).toString(), exponent: e2 };
}

/**
 * Rounds digits × 10^exponent to keep `keep` leading digits, half to even as glibc does
 * on the exact value. Returns the kept digits (never empty: a carry may add one) and the
 * exponent of the last.
 */
function roundTo(digits: string, exponent: number, keep: number): { digits: string; exponent: number } {
  if (keep >= digits.length) return { digits, exponent };
  const dropped = digits.length - keep;
  const head = keep > 0 ? digits.slice(0, keep) : "0";
  const first = keep >= 0 ? digits.charCodeAt(keep) - 48 : 0;
  const rest = keep >= 0 ? /[1-9]/.test(digits.slice(keep + 1)) : true;
  const lastEven = (head.charCodeAt(head.length - 1) - 48) % 2 === 0;
  const up = first > 5 || (first === 5 && (rest || !lastEven));
  const rounded = up ? (BigInt(head) + 1n).toString() : head;
  return { digits: rounded, exponent: exponent + dropped };
}

/** `%.{p}e` digits of finite x > 0: p + 1 significant digits and the decimal exponent of the first. */
function scientific(x: number, p: number): { digits: string; exp10: number } {
  const exact = exactDecimal(x);
  const r = roundTo(exact.digits, exact.exponent, p + 1);
  const digits = r.digits.length > p + 1 ? r.digits.slice(0, p + 1) : r.digits.padEnd(p + 1, "0");
  const exponent = r.digits.length > p + 1 ? r.exponent + 1 : r.exponent - (p + 1 - r.digits.length);
  return { digits, exp10: exponent + p };
}

/** `%.{p}f` of finite x >= 0. */
function fixed(x: number, p: number): string {
  let digits = "0";
  if (x !== 0) {
    const exact = exactDecimal(x);
    // Keep the digits down to 10^-p.
    const r = roundTo(exact.digits, exact.exponent, exact.digits.length + exact.exponent + p);
    digits = r.digits;
    if (r.exponent + p > 0) digits += "0".repeat(r.exponent + p);
    else digits = digits.slice(0, digits.length + r.exponent + p) || "0";
  }
  digits = digits.padStart(p + 1, "0");
  const point = digits.length - p;
  return p === 0 ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
}

function exponentForm(digits: string, exp10: number, alt: boolean, upper: boolean): string {
  const mantissa = digits.length > 1 || alt ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = `${exp10 < 0 ? "-" : "+"}${String(Math.abs(exp10)).padStart(2, "0")}`;
  return `${mantissa}${upper ? "E" : "e"}${e}`;
}

/** glibc's `%a` of finite x >= 0: "0x1.8p+1"; subnormals as "0x0.…p-1022"; `precision` hex digits rounded half to even. */
function hexFloat(x: number, precision: number | undefined, alt: boolean): string {
  FLOAT[0] = x;
  const bits = BITS[0]!;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0 && fraction === 0n) return `0x0${precision ? `.${"0".repeat(precision)}` : alt ? "." : ""}p+0`;
  const exponent = biased === 0 ? -1022 : biased - 1023;
  let full = (biased === 0 ? 0n : 1n << 52n) | fraction;
  let digits = 13;
  if (precision !== undefined && precision < 13) {
    const shift = BigInt(52 - 4 * precision);
    const kept = full >> shift;
    const rest = full & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    full = rest > half || (rest === half && (kept & 1n) === 1n) ? kept + 1n : kept;
    digits = precision;
  }
  const lead = full >> BigInt(4 * digits);
  let hex = digits === 0 ? "" : (full & ((1n << BigInt(4 * digits)) - 1n)).toString(16).padStart(digits, "0");
  if (precision === undefined) hex = hex.replace(/0+$/, "");
  else hex = hex.padEnd(precision, "0");
  const point = hex !== "" || alt ? "." : "";
  return `0x${lead.toString(16)}${point}${hex}p${exponent < 0 ? "-" : "+"}${Math.abs(exponent)}`;
}

/** The digits of |x| for one conversion (no sign, no padding). */
function body(x: number, spec: FloatSpec, alt: boolean): string {
  const c = spec.conversion;
  const upper = c === "E" || c === "F" || c === "G";
  if (!Number.isFinite(x)) {
    const word = Number.isNaN(x) ? "nan" : "inf";
    return upper ? word.toUpperCase() : word;
  }
  if (c === "a" || c === "A") {
    const hex = hexFloat(x, spec.precision, alt);
    return c === "A" ? hex.toUpperCase() : hex;
  }
  const p = spec.precision ?? 6;
  if (c === "f" || c === "F") return alt && p === 0 ? `${fixed(x, 0)}.` : fixed(x, p);
  if (c === "e" || c === "E") {
    if (x === 0) return exponentForm("0".repeat(p + 1), 0, alt, upper);
    const s = scientific(x, p);
    return exponentForm(s.digits, s.exp10, alt, upper);
  }
  const P = p === 0 ? 1 : p;
  const exp10 = x === 0 ? 0 : scientific(x, P - 1).exp10;
  let text: string;
  if (exp10 < -4 || exp10 >= P) {
    const s = x === 0 ? { digits: "0".repeat(P), exp10: 0 } : scientific(x, P - 1);
    let digits = s.digits;
    if (!alt) digits = digits.replace(/0+$/, "") || "0";
    return exponentForm(digits, s.exp10, alt, upper);
  }
  text = fixed(x, P - 1 - exp10);
  if (!alt && text.includes(".")) text = text.replace(/\.?0+$/, "");
  else if (alt && !text.includes(".")) text += ".";
  return text;
}

/** C's printf of one double, as glibc prints it (exactly rounded, half to even; "-nan" for a NaN with its sign set). */
export function formatFloat(x: number, spec: FloatSpec): string {
  const flags = spec.flags ?? "";
  const negative = signBit(x);
  const sign = negative ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  const digits = body(Math.abs(x), spec, flags.includes("#"));
  const width = spec.width ?? 0;
  const length = sign.length + digits.length;
  if (length >= width) return sign + digits;
  if (flags.includes("-")) return sign + digits + " ".repeat(width - length);
  if (flags.includes("0") && Number.isFinite(x)) return sign + "0".repeat(width - length) + digits;
  return " ".repeat(width - length) + sign + digits;
}

const G14: FloatSpec = { conversion: "g", precision: 14 };

/**
 * "%.14g" of finite x != 0 from JavaScript's own (exact, but ties away from zero) rounding,
 * or null when the 14-digit rounding may be a tie, which glibc breaks to even.
 */
function g14(x: number): string | null {
  const a = Math.abs(x);
  if (a.toExponential(16).slice(15, 18) === "500") return null;
  const r = a.toExponential(13);
  const digits = r[0]! + r.slice(2, 15);
  const exp10 = Number(r.slice(16));
  let text: string;
  if (exp10 < -4 || exp10 >= 14) {
    const kept = digits.replace(/0+$/, "");
    const mantissa = kept.length > 1 ? `${kept[0]}.${kept.slice(1)}` : kept;
    text = `${mantissa}e${exp10 < 0 ? "-" : "+"}${String(Math.abs(exp10)).padStart(2, "0")}`;
  } else {
    // With 14 integer digits there is no fraction at all: "12345678901234", never "12345678901234.".
    const whole = exp10 >= 0 ? digits.slice(0, exp10 + 1) : "0";
    const fraction = (exp10 >= 0 ? digits.slice(exp10 + 1) : `${"0".repeat(-exp10 - 1)}${digits}`).replace(/0+$/, "");
    text = fraction === "" ? whole : `${whole}.${fraction}`;
  }
  return x < 0 ? `-${text}` : text;
}

/** How Lua 5.4 writes a float (tostring, `..`, print): "%.14g", plus ".0" when that looks like an integer. */
export function luaFloatString(x: number): string {
  const s = (x !== 0 && Number.isFinite(x) && g14(x)) || formatFloat(x, G14);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}
