import { Xoshiro128 } from "../random/Xoshiro128.ts";

/** Names that mean something to JavaScript hosts; a compiled chunk must treat them as any other Lua name. */
export const HOSTILE_NAMES = [
  "constructor",
  "__proto__",
  "prototype",
  "globalThis",
  "Function",
  "eval",
  "this",
  "arguments",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
  "isPrototypeOf",
  "window",
  "process",
  "self",
  "undefined",
  "NaN",
  "Infinity",
  "length",
  "call",
  "apply",
  "bind",
  "Symbol",
  "Object",
  "Array",
  "Map",
  "new",
  "delete",
  "typeof",
  "instanceof",
  "var",
  "let",
  "const",
  "class",
  "yield",
  "await",
] as const;

const HUGE = ["9223372036854775807", "9223372036854775808", "0x7fffffffffffffff", "0xffffffffffffffff", "18446744073709551616", "1e308", "1e309", "-1e309", "2^63", "2^1023 * 2", "123456789012345678901234567890", "4.9e-324", "0x10000000000000000"];

/**
 * A random valid Lua program built from {@link HOSTILE_NAMES}: as locals, globals, parameters,
 * table keys and fields, with huge numeric literals and deep nesting; it returns what it
 * built plus probes (`x.constructor`, `_G.globalThis`, `getmetatable("")`) that must all be
 * plain Lua values, equal to native Lua's.
 */
export function hostileProgram(seed: number): string {
  const rng = new Xoshiro128(seed);
  const int = (n: number) => rng.nextUint32() % n;
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const name = () => pick(HOSTILE_NAMES);
  const lines: string[] = [];
  const results: string[] = [];
  const local = name();
  lines.push(`local ${local} = ${pick(HUGE)}`);
  results.push(local, `math.type(${local})`);
  const global = name();
  lines.push(`${global} = "${name()}"`);
  results.push(global, `_G.${global}`, `rawget(_G, "${global}")`);
  const field = name();
  const key = name();
  lines.push(`local t = { ${field} = ${pick(HUGE)}, ["${key}"] = "${name()}", [${pick(HUGE)}] = true }`);
  lines.push(`t.${name()} = ${int(1000)}`);
  results.push(`t.${field}`, `t["${key}"]`, `t.${name()}`, `#t`);
  const fn = name();
  const param = name();
  lines.push(`local function ${fn}(${param}, ...) return ${param}, select("#", ...) end`);
  results.push(`${fn}(${int(50)}, ${name() === "new" ? "nil" : "1"})`);
  const depth = 20 + int(60);
  lines.push(`local deep = ${"{".repeat(depth)}${int(9)}${"}".repeat(depth)}`);
  lines.push(`local d = deep for i = 1, ${depth - 1} do d = d[1] end`);
  results.push("d[1]", `${"(".repeat(depth)}${int(99)}${")".repeat(depth)}`);
  const nested = 5 + int(20);
  lines.push(`local nest = ${"function() return ".repeat(nested)}"${name()}"${" end".repeat(nested)}`);
  results.push(`nest${"()".repeat(nested)}`);
  for (const probe of ["({}).constructor", "({}).__proto__", `("x").${name()}`, "_G.globalThis", "_G.Function", "_G.eval", "getmetatable(\"\")", `type(${local})`, "t.constructor", "t.toString", "rawget(t, \"__proto__\")"]) results.push(probe);
  lines.push(`local k = {} for key in pairs(t) do if type(key) == "string" then k[#k + 1] = key end end table.sort(k)`);
  results.push(`table.concat(k, ",")`);
  lines.push(`local ok, e = pcall(function() return ${name()}.${name()}.${name()} end)`);
  results.push("ok", "e");
  return `${lines.join("\n")}\nreturn ${results.join(", ")}`;
}
