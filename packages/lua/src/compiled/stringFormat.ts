import type { LuaNumber } from "./numbers.ts";
import { toInteger } from "./numbers.ts";
import { rawToString } from "./runtime.ts";
import { LuaFloat, formatG, hexFloat, toDouble, toFixedEven, type LuaValue } from "./values.ts";

/** What string.format needs from the library: argument checks and `tostring`. */
export interface FormatHelpers {
  argError(n: number, fname: string, msg: string): never;
  tostring(v: LuaValue): string;
  checkNumber(args: LuaValue[], n: number, fname: string): LuaNumber;
  fail(message: string): never;
}

const SPEC = /%([-+ #0]*)(\d*)(?:\.(\d*))?([diucxXoeEfFgGqsaA%])?/g;

/** Lua's string.format for %d %i %u %c %x %X %o %e %E %f %F %g %G %a %A %q %s %%; %a with a precision fails with a clear error. */
export function formatString(fmt: string, args: LuaValue[], h: FormatHelpers): string {
  let argn = 1;
  return fmt.replace(SPEC, (whole, flags: string, width: string, prec: string | undefined, conv: string | undefined) => {
    if (conv === undefined) throw h.fail(`invalid conversion '${fmt.slice(fmt.indexOf(whole), fmt.indexOf(whole) + whole.length + 1)}' to 'format'`);
    if (conv === "%") return "%";
    if (width.length > 2 || (prec ?? "").length > 2) return h.argError(argn, "format", "invalid conversion");
    argn++;
    if (argn - 1 > args.length - 1) return h.argError(argn, "format", "no value");
    const v = args[argn - 1];
    let body: string;
    switch (conv) {
      case "d":
      case "i":
      case "u":
      case "c":
      case "x":
      case "X":
      case "o": {
        const n = toInteger(h.checkNumber(args, argn, "format"));
        if (n === undefined) return h.argError(argn, "format", "number has no integer representation");
        const b = BigInt(n);
        if (conv === "c") return pad(String.fromCharCode(Number(BigInt.asUintN(8, b))), flags, width);
        if (conv === "d" || conv === "i") body = intBody(b < 0n ? -b : b, 10, prec, b < 0n, flags);
        else {
          const u = BigInt.asUintN(64, b);
          const base = conv === "o" ? 8 : conv === "u" ? 10 : 16;
          body = intBody(u, base, prec, false, flags.replace(/[+ ]/g, ""));
          if (conv === "X") body = body.toUpperCase();
          if (flags.includes("#") && u !== 0n && base === 16) body = (conv === "X" ? "0X" : "0x") + body;
        }
        return pad(body, flags, width, prec === undefined);
      }
      case "e":
      case "E":
      case "f":
      case "F":
      case "g":
      case "G": {
        const x = toDouble(h.checkNumber(args, argn, "format"));
        body = floatBody(x, conv, prec === undefined ? 6 : Number(prec), flags);
        return pad(body, flags, width, Number.isFinite(x));
      }
      case "s": {
        const s = h.tostring(v);
        if (whole !== "%s" && s.includes("\0")) return h.argError(argn, "format", "string contains zeros");
        return pad(prec === undefined ? s : s.slice(0, Number(prec)), flags, width);
      }
      case "q":
        return quote(v, h, argn);
      case "a":
      case "A": {
        if (prec !== undefined) return h.argError(argn, "format", `'%${conv}' with a precision is not supported by the compiled engine yet`);
        const x = toDouble(h.checkNumber(args, argn, "format"));
        const sign = x < 0 || Object.is(x, -0) ? "" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
        body = Number.isNaN(x) ? "nan" : x === Infinity ? "inf" : x === -Infinity ? "-inf" : sign + hexFloat(x);
        return pad(conv === "A" ? body.toUpperCase() : body, flags, width);
      }
      default:
        return h.argError(argn, "format", `'%${conv}' is not supported by the compiled engine yet`);
    }
  });
}

function intBody(n: bigint, base: number, prec: string | undefined, negative: boolean, flags: string): string {
  let digits = n.toString(base);
  if (prec !== undefined) digits = Number(prec) === 0 && n === 0n ? "" : digits.padStart(Number(prec), "0");
  const sign = negative ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  return sign + digits;
}

function floatBody(x: number, conv: string, prec: number, flags: string): string {
  const sign = x < 0 || Object.is(x, -0) ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  const a = Math.abs(x);
  const upper = conv === "E" || conv === "F" || conv === "G";
  let s: string;
  if (Number.isNaN(x)) s = "nan";
  else if (a === Infinity) s = "inf";
  else if (conv === "f" || conv === "F") s = toFixedEven(a, prec);
  else if (conv === "e" || conv === "E") {
    const [m, e] = a.toExponential(prec).split("e") as [string, string];
    const en = Number(e);
    s = `${m}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  } else s = formatG(a, prec, flags.includes("#"));
  return (Number.isNaN(x) ? "" : sign) + (upper ? s.toUpperCase() : s);
}

function pad(body: string, flags: string, width: string, zeroOk = false): string {
  const w = width === "" ? 0 : Number(width);
  if (body.length >= w) return body;
  if (flags.includes("-")) return body.padEnd(w, " ");
  if (flags.includes("0") && zeroOk) {
    const signed = /^[-+ ]/.test(body);
    const sign = signed ? body[0]! : "";
    return sign + body.slice(sign.length).padStart(w - sign.length, "0");
  }
  return body.padStart(w, " ");
}

function quote(v: LuaValue, h: FormatHelpers, argn: number): string {
  if (typeof v === "string") {
    let out = '"';
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      const ch = v[i]!;
      if (ch === '"' || ch === "\\") out += `\\${ch}`;
      else if (ch === "\n") out += "\\\n";
      else if (c === 0) out += /\d/.test(v[i + 1] ?? "") ? "\\000" : "\\0";
      else if (c < 32 || c === 127) out += /\d/.test(v[i + 1] ?? "") ? `\\${String(c).padStart(3, "0")}` : `\\${c}`;
      else out += ch;
    }
    return `${out}"`;
  }
  if (typeof v === "number" && Number.isInteger(v)) return String(v);
  if (typeof v === "bigint") return v === -9223372036854775808n ? "0x8000000000000000" : v.toString();
  if (v === undefined || typeof v === "boolean") return rawToString(v);
  if (typeof v === "number" || v instanceof LuaFloat) {
    const x = toDouble(v);
    return x === Infinity ? "1e9999" : x === -Infinity ? "-1e9999" : Number.isNaN(x) ? "(0/0)" : hexFloat(x);
  }
  return h.argError(argn, "format", "value has no literal form");
}

