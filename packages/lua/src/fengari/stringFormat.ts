import fengari from "fengari";
import type { CFunction, LuaState } from "fengari";
import { activeGuard } from "./CallGuard.ts";
import type { FloatSpec } from "./formatFloat.ts";
import { formatFloat } from "./formatFloat.ts";
import { pushConcat } from "./pushConcat.ts";

const { lua, lauxlib, to_luastring } = fengari;
const PERCENT = 0x25;
/** What may stand between '%' and the conversion letter (Lua 5.4's getformat). */
const SPEC_CHARS = new Set([..."-+ #0123456789."].map((c) => c.charCodeAt(0)));
/** Longest spec Lua 5.4 takes ('%' to letter): MAX_FORMAT - 10. */
const MAX_SPEC = 22;
const INT64_RANGE = 2 ** 63;

/** The flags each conversion accepts in Lua 5.4, and whether it takes a precision. */
const CONVERSIONS: Readonly<Record<string, { flags: string; precision: boolean }>> = {
  c: { flags: "-", precision: false },
  d: { flags: "-+0 ", precision: true },
  i: { flags: "-+0 ", precision: true },
  u: { flags: "-0", precision: true },
  o: { flags: "-#0", precision: true },
  x: { flags: "-#0", precision: true },
  X: { flags: "-#0", precision: true },
  a: { flags: "-+ #0", precision: true },
  A: { flags: "-+ #0", precision: true },
  e: { flags: "-+ #0", precision: true },
  E: { flags: "-+ #0", precision: true },
  f: { flags: "-+ #0", precision: true },
  F: { flags: "-+ #0", precision: true },
  g: { flags: "-+ #0", precision: true },
  G: { flags: "-+ #0", precision: true },
  s: { flags: "-", precision: true },
};

interface Spec {
  text: string;
  flags: string;
  width: number;
  precision: number | undefined;
  conversion: string;
}

function fail(L: LuaState, message: string): never {
  return lauxlib.luaL_error(L, to_luastring("%s"), to_luastring(message));
}

/** Lua 5.4's checkformat: flags from the allowed set, then at most two digits of width and of precision. */
function parseSpec(L: LuaState, text: string): Spec {
  const conversion = text[text.length - 1]!;
  const allowed = CONVERSIONS[conversion];
  if (allowed === undefined) return fail(L, `invalid conversion '${text}' to 'format'`);
  const m = /^%([-+ #0]*)(\d{0,2})(?:\.(\d{0,2}))?[a-zA-Z]$/.exec(text);
  const flags = m?.[1] ?? "";
  const ok = m !== null && [...flags].every((f) => allowed.flags.includes(f)) && !m[2]!.startsWith("0") && (m[3] === undefined || allowed.precision);
  if (!ok) return fail(L, `invalid conversion specification: '${text}'`);
  return { text, flags, width: Number(m[2] || 0), precision: m[3] === undefined ? undefined : Number(m[3] || 0), conversion };
}

function pad(body: string, sign: string, spec: Spec, zeroPad: boolean): string {
  const length = sign.length + body.length;
  if (length >= spec.width) return sign + body;
  if (spec.flags.includes("-")) return sign + body + " ".repeat(spec.width - length);
  if (zeroPad) return sign + "0".repeat(spec.width - length) + body;
  return " ".repeat(spec.width - length) + sign + body;
}

/** The integer argument `arg` as Lua 5.4's luaL_checkinteger reads it: floats with an integral value count, up to 64 bits. */
function integerArg(L: LuaState, arg: number): bigint {
  if (lua.lua_type(L, arg) === lua.LUA_TNUMBER && !lua.lua_isinteger(L, arg)) {
    const x = lua.lua_tonumber(L, arg);
    if (!Number.isInteger(x) || x < -INT64_RANGE || x >= INT64_RANGE) return lauxlib.luaL_argerror(L, arg, "number has no integer representation");
    return BigInt(x);
  }
  return BigInt(lauxlib.luaL_checkinteger(L, arg));
}

function formatInteger(n: bigint, spec: Spec): string {
  const c = spec.conversion;
  const signed = c === "d" || c === "i";
  const value = signed ? n : BigInt.asUintN(64, n);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  let digits = magnitude.toString(c === "o" ? 8 : c === "x" || c === "X" ? 16 : 10);
  if (c === "X") digits = digits.toUpperCase();
  if (spec.precision !== undefined) digits = spec.precision === 0 && magnitude === 0n ? "" : digits.padStart(spec.precision, "0");
  let prefix = negative ? "-" : signed && spec.flags.includes("+") ? "+" : signed && spec.flags.includes(" ") ? " " : "";
  if (spec.flags.includes("#")) {
    if (c === "o" && !digits.startsWith("0")) digits = `0${digits}`;
    if ((c === "x" || c === "X") && magnitude !== 0n) prefix += c === "x" ? "0x" : "0X";
  }
  return pad(digits, prefix, spec, spec.flags.includes("0") && spec.precision === undefined);
}

/** %s on the bytes of luaL_tolstring's result (fengari's own goes through a JavaScript string). */
function formatString(L: LuaState, arg: number, spec: Spec): Uint8Array {
  const s = lauxlib.luaL_tolstring(L, arg);
  lua.lua_settop(L, -2);
  if (spec.width === 0 && spec.precision === undefined) return s;
  if (s.includes(0)) return lauxlib.luaL_argerror(L, arg, "string contains zeros");
  if (spec.precision === undefined && s.length >= 100) return s;
  return padBytes(spec.precision === undefined ? s : s.subarray(0, spec.precision), spec);
}

/** `body` padded with spaces to the spec's width, on the left unless the '-' flag is given. */
function padBytes(body: Uint8Array, spec: Spec): Uint8Array {
  const fill = Math.max(0, spec.width - body.length);
  if (fill === 0) return body;
  const out = new Uint8Array(body.length + fill).fill(0x20);
  out.set(body, spec.flags.includes("-") ? 0 : fill);
  return out;
}

/** %q of a number: integers in decimal (fengari has no 64-bit minimum to write in hex), floats in hex, inf and nan as Lua 5.4 writes them. */
function quotedNumber(L: LuaState, arg: number): string {
  if (lua.lua_isinteger(L, arg)) return String(lua.lua_tointeger(L, arg));
  const x = lua.lua_tonumber(L, arg);
  if (x === Infinity) return "1e9999";
  if (x === -Infinity) return "-1e9999";
  if (Number.isNaN(x)) return "(0/0)";
  return formatFloat(x, { conversion: "a" });
}

/** One item by fengari's own string.format (for %q of strings, nil and booleans, which it writes as Lua 5.4 does). */
function byOriginal(L: LuaState, original: CFunction, spec: string, arg: number): Uint8Array {
  lua.lua_pushcfunction(L, original);
  lua.lua_pushstring(L, spec);
  lua.lua_pushvalue(L, arg);
  lua.lua_call(L, 2, 1);
  const s = lua.lua_tostring(L, -1)!;
  lua.lua_settop(L, -2);
  return s;
}

/**
 * string.format as Lua 5.4 on 64-bit Linux formats: numbers by glibc's rules (formatFloat),
 * integers on 64 bits (`%d` of 2^31 is 2147483648, `%x` of -1 is ffffffffffffffff), each
 * spec checked as 5.4 checks it. fengari's own goes through sprintf-js, whose roundings,
 * -0.0, precision of integers and hex of negatives differ from C's.
 */
export function stringFormat(original: CFunction): CFunction {
  return (L) => {
    const top = lua.lua_gettop(L);
    const fmt = lauxlib.luaL_checkstring(L, 1);
    const parts: Uint8Array[] = [];
    let total = 0;
    const add = (part: Uint8Array | string) => {
      const bytes = typeof part === "string" ? to_luastring(part) : part;
      parts.push(bytes);
      total += bytes.length;
      activeGuard()?.checkString(L, "lib", total, "string");
    };
    let arg = 1;
    let literal = 0;
    for (let i = 0; i < fmt.length; i++) {
      if (fmt[i] !== PERCENT) continue;
      if (i > literal) add(fmt.subarray(literal, i));
      if (fmt[i + 1] === PERCENT) {
        add("%");
        literal = ++i + 1;
        continue;
      }
      let end = i + 1;
      while (end < fmt.length && SPEC_CHARS.has(fmt[end]!)) end++;
      if (end - i + 1 > MAX_SPEC) fail(L, "invalid format (too long)");
      const text = String.fromCharCode(...fmt.subarray(i, Math.min(end + 1, fmt.length)));
      literal = i = end + 1;
      i--;
      if (++arg > top) lauxlib.luaL_argerror(L, arg, "no value");
      if (text === "%q") {
        add(lua.lua_type(L, arg) === lua.LUA_TNUMBER ? quotedNumber(L, arg) : byOriginal(L, original, text, arg));
        continue;
      }
      if (text.endsWith("q")) fail(L, "specifier '%q' cannot have modifiers");
      const spec = parseSpec(L, text);
      const c = spec.conversion;
      if (c === "c") add(padBytes(Uint8Array.of(Number(BigInt.asUintN(8, integerArg(L, arg)))), spec));
      else if ("diuoxX".includes(c)) add(formatInteger(integerArg(L, arg), spec));
      else if (c === "s") add(formatString(L, arg, spec));
      else add(formatFloat(lauxlib.luaL_checknumber(L, arg), { ...spec, conversion: c as FloatSpec["conversion"] }));
    }
    if (literal < fmt.length) add(fmt.subarray(literal));
    pushConcat(L, parts, total);
    return 1;
  };
}
