import { Xoshiro128 } from "../../random/Xoshiro128.ts";
import type { Expr, LuaType, Program, Stmt } from "./LuaProgram.ts";

/**
 * What generated programs may use. `portable` is what both engines must agree with native
 * Lua on once fengari's known limits raise errors; `full` adds what fengari is known to get
 * wrong still (string.format's float conversions and flags, math's transcendental functions),
 * for the nightly bench to keep measuring.
 */
export type Profile = "portable" | "full";

const INTS = ["0", "1", "2", "3", "7", "10", "-1", "-5", "100", "255", "1000", "65536", "2147483647", "-2147483648", "2147483648", "4294967296", "9007199254740993", "math.maxinteger", "math.mininteger"];
const FLOATS = ["0.5", "-0.0", "1.5", "2.5", "0.1", "3.0", "-7.25", "1e15", "1e16", "1e-5", "2^53", "1e300", "(1/0)", "(-1/0)", "123.456", "1e100", "0.3"];
const STRINGS = ["", "a", "abc", "Hello", "x y z", "10", "3.5", "0x1F", " 7 ", "\\1\\2", "\\16", "\\195\\169t\\195\\169", "\\255", "abcdefghijklmnopqrstuvwxyz0123456789", "%d", "a.b", "1e5", "(x)", "AbC"];
const PATTERNS = ["a", "%d+", "%a+", "^%s*", "(%w)(%w)", "[aeiou]", "%.", ".-", "()", "x*", "^a", "b$", "%f[%w]%w+", "%b()", "[%a_][%w_]*", "(.)%1"];
const REPLACEMENTS = ["%1", "%0%0", "-", "", "%%", "<%0>"];
const INT_FORMATS = ["%d", "%5d", "%-4d|", "%03d", "%+d", "%x", "%X", "%o", "%i"];
const FULL_INT_FORMATS = ["% d", "%#x", "%.3d", "%5c"];
const FLOAT_FORMATS = ["%.3f", "%10.2f", "%.1f", "%e", "%.2e", "%g", "%.10g", "%G", "%E", "%a", "%f", "%.0f", "%#g", "%-8.3e|"];
const TRANSCENDENTAL = ["math.sin", "math.cos", "math.exp", "math.log", "math.atan"];

/** Makes one random program from `seed`: a few typed locals, loops and branches over them, returned at the end. */
export function generateProgram(seed: number, profile: Profile = "portable"): Program {
  return new Generator(seed, profile).program();
}

class Generator {
  readonly #rng: Xoshiro128;
  readonly #profile: Profile;
  readonly #vars: { name: string; type: LuaType }[] = [];
  #loopVar: string | null = null;

  constructor(seed: number, profile: Profile) {
    this.#rng = new Xoshiro128(seed);
    this.#profile = profile;
  }

  program(): Program {
    const stmts: Stmt[] = [];
    const n = 2 + this.#int(5);
    for (let i = 0; i < n; i++) stmts.push(this.#stmt(i));
    return { stmts, results: this.#vars.map((v) => v.name) };
  }

  #int(n: number): number {
    return this.#rng.nextUint32() % n;
  }

  #pick<T>(xs: readonly T[]): T {
    return xs[this.#int(xs.length)]!;
  }

  #stmt(i: number): Stmt {
    const name = `v${i + 1}`;
    const roll = this.#int(10);
    if (this.#vars.length > 0 && roll < 2) return this.#loop();
    if (this.#vars.length > 0 && roll < 3) return this.#branch();
    if (roll < 4) return this.#define(name, "str", this.#sorted());
    const type = this.#pick<LuaType>(["int", "float", "num", "str", "bool", "int", "str"]);
    return this.#define(name, type, this.#expr(type, 3));
  }

  #define(name: string, type: LuaType, expr: Expr): Stmt {
    this.#vars.push({ name, type });
    return { parts: [`local ${name} = `, expr], defines: name };
  }

  #loop(): Stmt {
    const v = this.#pick(this.#vars);
    this.#loopVar = "i";
    const body = this.#expr(v.type, 2);
    this.#loopVar = null;
    return { parts: [`for i = 1, ${1 + this.#int(6)} do ${v.name} = `, body, " end"] };
  }

  #branch(): Stmt {
    const v = this.#pick(this.#vars);
    return { parts: ["if ", this.#expr("bool", 2), ` then ${v.name} = `, this.#expr(v.type, 2), ` else ${v.name} = `, this.#expr(v.type, 2), " end"] };
  }

  /** A string made by sorting a table of ints, floats or strings (never mixed: 1 and 1.0 tie but print apart). */
  #sorted(): Expr {
    const type = this.#pick<LuaType>(["int", "float", "str"]);
    const items: (string | Expr)[] = [];
    for (let i = 0, n = 2 + this.#int(5); i < n; i++) items.push(i > 0 ? ", " : "", this.#expr(type, 1));
    const cmp = this.#pick(["", ", function(a, b) return a > b end"]);
    return { type: "str", parts: ["(function() local t = {", ...items, `} table.sort(t${cmp}) return table.concat(t, " ") end)()`] };
  }

  #leaf(type: LuaType): Expr {
    const vars = this.#vars.filter((v) => v.type === type || (type === "num" && (v.type === "int" || v.type === "float")));
    if (type === "int" && this.#loopVar !== null && this.#int(3) === 0) return { type, parts: [this.#loopVar] };
    if (vars.length > 0 && this.#int(2) === 0) return { type, parts: [this.#pick(vars).name] };
    switch (type) {
      case "int":
        return { type, parts: [this.#pick(INTS)] };
      case "float":
        return { type, parts: [this.#pick(FLOATS)] };
      case "num":
        return this.#leaf(this.#pick<LuaType>(["int", "float"]));
      case "str":
        return { type, parts: [`"${this.#pick(STRINGS)}"`] };
      case "bool":
        return { type, parts: [this.#pick(["true", "false"])] };
    }
  }

  #expr(type: LuaType, depth: number): Expr {
    if (depth <= 0 || this.#int(4) === 0) return this.#leaf(type);
    const d = depth - 1;
    const e = (t: LuaType) => this.#expr(t, d);
    const op = (t: LuaType, ...parts: (string | LuaType)[]): Expr => ({ type: t, parts: parts.map((p) => (isType(p) ? e(p) : p)) });
    const full = this.#profile === "full";
    switch (type) {
      case "int":
        return this.#pick([
          () => op("int", "(", "int", this.#pick([" + ", " - ", " * ", " // ", " % ", " & ", " | ", " ~ "]), "int", ")"),
          () => op("int", "(", "int", this.#pick([" << ", " >> "]), `${this.#int(70) - 3})`),
          () => op("int", this.#pick(["(- ", "(~ "]), "int", ")"),
          () => op("int", "#", "str"),
          () => op("int", "math.abs(", "int", ")"),
          () => op("int", this.#pick(["math.max(", "math.min("]), "int", ", ", "int", ")"),
          () => op("int", "(math.tointeger(", "float", ") or -1)"),
          () => op("int", "(", "str", `):len()`),
          () => op("int", "(select(2, (", "str", "):gsub(", this.#pattern(), ', "")))'),
          () => op("int", "((", "str", `):byte(${this.#int(4) - 1}) or -1)`),
        ])();
      case "float":
        return this.#pick([
          () => op("float", "(", "num", " / ", "num", ")"),
          () => op("float", "(", "num", " ^ ", "num", ")"),
          () => op("float", "(", "float", this.#pick([" + ", " - ", " * ", " % ", " // "]), "num", ")"),
          () => op("float", "math.sqrt(math.abs(", "num", "))"),
          () => op("float", "math.fmod(", "float", ", ", "num", ")"),
          () => op("float", "(", "num", " + 0.0)"),
          () => op("float", "(tonumber(", "str", ") or 0.25) * 1.0"),
          ...(full ? [() => op("float", `${this.#pick(TRANSCENDENTAL)}(`, "num", ")")] : []),
        ])();
      case "num":
        return this.#pick([
          () => op("num", this.#pick(["math.floor(", "math.ceil("]), "float", ")"),
          () => op("num", "(tonumber(", "str", ") or 0)"),
          () => op("num", "(", "num", this.#pick([" + ", " - ", " * ", " // ", " % "]), "num", ")"),
          () => op("num", this.#pick(["math.max(", "math.min("]), "num", ", ", "num", ")"),
          () => op("num", "(- ", "num", ")"),
          () => op("num", "math.abs(", "num", ")"),
        ])();
      case "str":
        return this.#pick([
          () => op("str", "(", "str", " .. ", "str", ")"),
          () => op("str", "tostring(", this.#pick<LuaType>(["int", "float", "num", "bool"]), ")"),
          () => op("str", "(", "num", ' .. "")'),
          () => op("str", "(", "str", `):rep(${this.#int(4)}${this.#pick(["", ', ","'])})`),
          () => op("str", "(", "str", `):sub(${this.#int(7) - 3}, ${this.#int(9) - 3})`),
          () => op("str", "(", "str", this.#pick(["):upper()", "):lower()", "):reverse()"])),
          () => op("str", "(", "str", "):gsub(", this.#pattern(), `, "${this.#pick(REPLACEMENTS)}")`),
          () => op("str", "((", "str", "):match(", this.#pattern(), ') or "-")'),
          () => op("str", "tostring((", "str", "):find(", this.#pattern(), `, ${this.#int(5) - 2}${this.#pick(["", ", true"])}))`),
          () => this.#format(),
          () => op("str", "string.char(", "int", " % 256)"),
          () => op("str", "table.concat({", "str", ", ", "num", ", ", "str", "}, ", `"${this.#pick(["", ",", " | "])}")`),
        ])();
      case "bool":
        return this.#pick([
          () => op("bool", "(", "num", this.#pick([" < ", " <= ", " == ", " ~= ", " > "]), "num", ")"),
          () => op("bool", "(", "str", this.#pick([" < ", " <= ", " == ", " > "]), "str", ")"),
          () => op("bool", "(not ", "bool", ")"),
          () => op("bool", "(", "bool", this.#pick([" and ", " or "]), "bool", ")"),
          () => op("bool", '(math.type(', "num", ') == "integer")'),
          () => op("bool", "(tonumber(", "str", ") ~= nil)"),
        ])();
    }
  }

  #pattern(): string {
    return `"${this.#pick(PATTERNS)}"`;
  }

  #format(): Expr {
    const full = this.#profile === "full";
    const conversions: [string, LuaType][] = [
      ...INT_FORMATS.map((f) => [f, "int"] as [string, LuaType]),
      ...(full ? FULL_INT_FORMATS.map((f) => [f, "int"] as [string, LuaType]) : []),
      ...(full ? FLOAT_FORMATS.map((f) => [f, "float"] as [string, LuaType]) : []),
      ["%s", "num"],
      ["%s", "str"],
      ["%5.2s", "str"],
      ["%q", "str"],
      ["%q", "int"],
      ["[%10s]", "str"],
    ];
    const chosen = [this.#pick(conversions), this.#pick(conversions)];
    const parts: (string | Expr)[] = [`string.format("${chosen.map(([f]) => f).join(" ")}"`];
    for (const [, type] of chosen) parts.push(", ", this.#expr(type, 1));
    parts.push(")");
    return { type: "str", parts };
  }
}

function isType(p: string): p is LuaType {
  return p === "int" || p === "float" || p === "num" || p === "str" || p === "bool";
}
