import luaparse from "luaparse";
import type * as L from "luaparse";
import { CompileRefusal } from "./CompileRefusal.ts";
import { planGotos, type GotoPlan } from "./planGotos.ts";
import { parseNumber } from "./numbers.ts";
import type { Site } from "./runtime.ts";
import { REFUSED_LIBRARY, REFUSED_METHODS } from "./stdlib.ts";
import { LuaFloat, type LuaValue } from "./values.ts";

/** Where luaparse's `ranges` option puts a node's source offsets (its typings leave it out). */
const rangeOf = (n: L.Node): [number, number] | undefined => (n as L.Node & { range?: [number, number] }).range;

/** A chunk compiled to JavaScript source, with the constants and operation sites it refers to by number. */
export interface CompiledSource {
  /** Body of `new Function("$ops", "$G", "$K", "$st", js)`; it returns the chunk's main function. */
  js: string;
  constants: LuaValue[];
  sites: Site[];
}

interface Local {
  js: string;
  name: string;
  fn: FunctionState;
}

/** What the compiler knows of a constant operand's JS form (see kindOf). */
type Kind = "int" | "float" | "boxed" | "plain";

/** An operand of an inline operation: JS that reads it without side effects, and its kind when it is a constant. */
interface Operand {
  js: string;
  kind: Kind | undefined;
}

interface FunctionState {
  temps: number;
  loops: string[];
  vararg: boolean;
  gotos: Map<L.GotoStatement, string>;
  usesResult: boolean;
}

const ARITH: Record<string, string> = {
  "+": "$add",
  "-": "$sub",
  "*": "$mul",
  "/": "$div",
  "%": "$mod",
  "//": "$idiv",
  "^": "$pow",
  "&": "$band",
  "|": "$bor",
  "~": "$bxor",
  "<<": "$shl",
  ">>": "$shr",
  "..": "$concat",
};

/** Names of the runtime operations the generated code binds once, at its top. */
const OPS = ["call", "callMethod", "index", "setindex", "add", "sub", "mul", "div", "mod", "idiv", "pow", "unm", "band", "bor", "bxor", "shl", "shr", "bnot", "concat", "len", "eq", "lt", "le", "forPrep", "tick", "newTable", "intOf", "float", "closure"];

/**
 * Compiles a Lua 5.4 chunk to JavaScript source. No Lua identifier or string reaches the
 * output: locals become `$vN`, string and large-number constants sit in `constants`, names
 * for error messages in `sites`; every table access, call and operator goes through the runtime.
 * Throws {@link CompileRefusal} (with a `chunk:LINE: message`) for a syntax error or for a
 * construct the engine does not support yet.
 */
export function compileToJs(source: string, chunkName = "job.lua", budget = true): CompiledSource {
  const bytes = Array.from(new TextEncoder().encode(source), (b) => String.fromCharCode(b)).join("");
  let ast: L.Chunk;
  try {
    ast = luaparse.parse(bytes, { luaVersion: "5.3", locations: true, ranges: true, encodingMode: "pseudo-latin1", comments: false });
  } catch (e) {
    if (e instanceof RangeError) throw e;
    const err = e as { line?: number; message?: string };
    const message = String(err.message ?? e).replace(/^\[\d+:\d+\] /, "");
    const hint = /<|attrib/.test(bytes) && /const|close/.test(bytes) ? " (the compiled engine parses Lua 5.3 syntax: no <const>/<close>)" : "";
    throw new CompileRefusal(`${chunkName}:${err.line ?? 1}: ${message}${hint}`);
  }
  const constants: LuaValue[] = [];
  const constIndex = new Map<unknown, number>();
  const sites: Site[] = [];
  let nextVar = 0;
  let nextLabel = 0;

  const refuse = (node: L.Node, message: string): never => {
    throw new CompileRefusal(`${chunkName}:${node.loc?.start.line ?? 0}: ${message}`);
  };
  const k = (v: LuaValue): string => {
    const key = v instanceof LuaFloat ? `f${v.n}` : typeof v === "string" ? `s${v}` : v;
    let i = constIndex.get(key);
    if (i === undefined) {
      i = constants.push(v) - 1;
      constIndex.set(key, i);
    }
    return `$K[${i}]`;
  };
  const site = (node: L.Node, first?: string, second?: string): number => {
    const s: Site = second !== undefined ? [line(node), first, second] : first !== undefined ? [line(node), first] : [line(node)];
    return sites.push(s) - 1;
  };
  const line = (node: L.Node) => node.loc?.start.line ?? 0;

  let scope: Array<Map<string, Local>> = [];
  let fn: FunctionState = newFunction(true);
  function newFunction(vararg: boolean): FunctionState {
    return { temps: 0, loops: [], vararg, gotos: new Map(), usesResult: false };
  }
  /** The `let` of a function's temps, or nothing. */
  const declareTemps = (f: FunctionState): string => {
    const names = Array.from({ length: f.temps }, (_, i) => `$t${i + 1}`);
    if (f.usesResult) names.push("$r");
    return names.length > 0 ? `let ${names.join(", ")};` : "";
  };
  const lookup = (name: string): Local | undefined => {
    for (let i = scope.length - 1; i >= 0; i--) {
      const l = scope[i]!.get(name);
      if (l !== undefined) return l;
    }
    return undefined;
  };
  const declare = (name: string): string => {
    const js = `$v${++nextVar}`;
    scope[scope.length - 1]!.set(name, { js, name, fn });
    return js;
  };
  const temp = () => `$t${++fn.temps}`;
  /** The temp an inline fast path puts its result in: read at once, so one per function serves every operation. */
  const resultTemp = () => {
    fn.usesResult = true;
    return "$r";
  };
  const tick = (node: L.Node) => (budget ? `if (--$st.left < 0) $tick(${site(node)});` : "");

  /** How Lua names an expression in an error message ("local 'x'"), or undefined. */
  const describe = (e: L.Expression): string | undefined => {
    if (e.type === "Identifier") {
      const l = lookup(e.name);
      if (l === undefined) return `global '${e.name}'`;
      return l.fn === fn ? `local '${e.name}'` : `upvalue '${e.name}'`;
    }
    if (e.type === "MemberExpression") return `${e.indexer === ":" ? "method" : "field"} '${e.identifier.name}'`;
    if (e.type === "IndexExpression" && e.index.type === "StringLiteral") return `field '${e.index.value as string}'`;
    if (e.type === "StringLiteral") return `constant '${e.value as string}'`;
    return undefined;
  };

  const checkRefusedGlobal = (node: L.Node, name: string) => {
    const why = REFUSED_LIBRARY.get(name);
    if (why !== undefined && lookup(name) === undefined) refuse(node, `${name} (${why}) is not supported by the compiled engine yet`);
    if (name === "_ENV") refuse(node, "_ENV is not supported by the compiled engine");
  };

  function expr(e: L.Expression): string {
    switch (e.type) {
      case "NilLiteral":
        return "undefined";
      case "BooleanLiteral":
        return e.value ? "true" : "false";
      case "StringLiteral":
        return k(e.value as string);
      case "NumericLiteral":
        return numberLiteral(e);
      case "VarargLiteral":
        if (!fn.vararg) refuse(e, "cannot use '...' outside a vararg function");
        return "$va[0]";
      case "Identifier": {
        const l = lookup(e.name);
        if (l !== undefined) return l.js;
        checkRefusedGlobal(e, e.name);
        return `(${indexed({ js: "$G", kind: undefined }, { js: k(e.name), kind: "plain" }, site(e, `global '${e.name}'`))})`;
      }
      case "MemberExpression": {
        if (e.base.type === "Identifier" && lookup(e.base.name) === undefined) checkRefusedGlobal(e, `${e.base.name}.${e.identifier.name}`);
        const { pre, ops } = operands([e.base]);
        return `(${pre}${indexed(ops[0]!, { js: k(e.identifier.name), kind: "plain" }, site(e, describe(e.base)))})`;
      }
      case "IndexExpression": {
        const { pre, ops } = operands([e.base, e.index]);
        return `(${pre}${indexed(ops[0]!, ops[1]!, siteOf(e, describe(e.base)))})`;
      }
      case "CallExpression":
      case "TableCallExpression":
      case "StringCallExpression":
        return `${callExpr(e)}[0]`;
      case "FunctionDeclaration":
        return functionExpr(e, false);
      case "TableConstructorExpression":
        return tableExpr(e);
      case "LogicalExpression": {
        const t = temp();
        const l = expr(e.left);
        const r = expr(e.right);
        return e.operator === "and"
          ? `((${t} = ${l}) === undefined || ${t} === false ? ${t} : ${r})`
          : `((${t} = ${l}) === undefined || ${t} === false ? ${r} : ${t})`;
      }
      case "UnaryExpression": {
        const s = siteOf(e, describe(e.argument));
        switch (e.operator) {
          case "not":
            return `!${cond(e.argument)}`;
          case "-":
            return `$unm(${expr(e.argument)}, ${s})`;
          case "#":
            return `$len(${expr(e.argument)}, ${s})`;
          default:
            return `$bnot(${expr(e.argument)}, ${s})`;
        }
      }
      case "BinaryExpression":
        return binary(e);
      default:
        return refuse(e, `${(e as L.Node).type} is not supported by the compiled engine`);
    }
  }

  function siteOf(e: L.Node, first?: string, second?: string): number {
    return site(e, first, second);
  }

  function numberLiteral(e: L.NumericLiteral): string {
    const n = parseNumber(e.raw);
    if (n === undefined) return refuse(e, `malformed number near '${e.raw}'`);
    if (typeof n === "number") return Number.isInteger(n) ? String(n) : Number.isFinite(n) ? `(${String(n)})` : k(n);
    return k(n);
  }

  /** Whether evaluating `e` runs no Lua code (no call, metamethod or error) and reads nothing another operand could change. */
  function isConstant(e: L.Expression): boolean {
    return e.type === "NumericLiteral" || e.type === "StringLiteral" || e.type === "NilLiteral" || e.type === "BooleanLiteral";
  }
  function isOwnLocal(e: L.Expression): boolean {
    return e.type === "Identifier" && lookup(e.name)?.fn === fn;
  }
  function isPure(e: L.Expression): boolean {
    return isConstant(e) || (e.type === "Identifier" && lookup(e.name) !== undefined);
  }

  /**
   * Operands evaluated once each, left to right: `pre` (assignments to temps, each followed by a
   * comma) and the JS expressions that read them. A constant is used as it is. A local of the
   * function itself is read when the operation runs, as Lua reads a local's register then
   * (`x + f()` sees what f assigned to x), unless `registers` is false (concatenation copies its
   * operands first). Any other operand is read in order, into a temp unless nothing evaluated
   * after it (the rest of `list`, and what follows when `pureAfter` is false) can run Lua code.
   */
  function operands(list: L.Expression[], pureAfter = true, registers = true): { pre: string; ops: Operand[] } {
    let pre = "";
    const ops = list.map((e, i): Operand => {
      const js = expr(e);
      if (isConstant(e) || (registers && isOwnLocal(e)) || (isPure(e) && pureAfter && list.slice(i + 1).every(isPure))) return { js, kind: kindOf(e) };
      const t = temp();
      pre += `${t} = ${js}, `;
      return { js: t, kind: undefined };
    });
    return { pre, ops };
  }

  /** What a constant is as JS: a number literal (Lua integer or float), a boxed value (LuaFloat, bigint), or plain (nil, booleans, strings). */
  function kindOf(e: L.Expression): Kind | undefined {
    if (!isConstant(e)) return undefined;
    if (e.type !== "NumericLiteral") return "plain";
    const n = parseNumber(e.raw);
    if (typeof n !== "number" || !Number.isFinite(n)) return "boxed";
    return Number.isInteger(n) ? "int" : "float";
  }

  /** A JS test that both operands are JS numbers ("" when known), or undefined when they cannot both be. */
  function bothNumbers(a: Operand, b: Operand): string | undefined {
    if (a.kind === "plain" || a.kind === "boxed" || b.kind === "plain" || b.kind === "boxed") return undefined;
    return and(...[a, b].filter((o) => o.kind === undefined).map((o) => `typeof ${o.js} === "number"`));
  }
  const and = (...parts: string[]) => parts.filter((p) => p !== "").join(" && ");

  /**
   * `a op b` for + - * /: numbers in JS numbers go straight through when the result is a float
   * that needs no box (not integral) or, for + - *, an integer result of integers that stays
   * within ±(2^53 − 1); anything else (integral floats, overflow, bigints, strings, metamethods)
   * goes to the runtime's operation, which has every case.
   */
  function arithmetic(op: "+" | "-" | "*" | "/", a: Operand, b: Operand, s: number): string {
    const slow = `${ARITH[op]!}(${a.js}, ${b.js}, ${s})`;
    const both = bothNumbers(a, b);
    if (both === undefined) return slow;
    const r = resultTemp();
    if (op === "/") return `${and(both, `!Number.isInteger(${r} = ${a.js} / ${b.js})`)} ? ${r} : ${slow}`;
    // An integer product may be -0 in JS (0 * -5); "+ 0" makes it 0 and changes no other result.
    const value = op === "*" ? `${a.js} * ${b.js} + 0` : `${a.js} ${op} ${b.js}`;
    const float = a.kind === "float" || b.kind === "float";
    const ints = and(...[a, b].filter((o) => o.kind === undefined).map((o) => `Number.isInteger(${o.js})`));
    const intCase = float ? "" : ` || (${and(ints, `${r} <= 9007199254740991 && ${r} >= -9007199254740991`)})`;
    return `${and(both, `(!Number.isInteger(${r} = ${value})${intCase})`)} ? ${r} : ${slow}`;
  }

  /**
   * `a == b`: JS equality decides unless one side may be an object (a boxed float against an
   * integer, tables with `__eq`): bigints are equal exactly when `===`, and a JS number never
   * equals a bigint (integers are numbers whenever they fit).
   */
  function equality(a: Operand, b: Operand, s: number): string {
    const same = `${a.js} === ${b.js}`;
    if (a.kind === "plain" || b.kind === "plain") return same;
    if (a.kind === "boxed" || b.kind === "boxed") return `${same} || $eq(${a.js}, ${b.js}, ${s})`;
    const objects = [a, b].filter((o) => o.kind === undefined).map((o) => `typeof ${o.js} === "object"`);
    return objects.length === 0 ? same : `${same} || ((${objects.join(" || ")}) && $eq(${a.js}, ${b.js}, ${s}))`;
  }

  /** A JS test that `js` (a side-effect-free read) is a table: the brand LuaTable carries (see isTable). */
  const isTableTest = (js: string) => `typeof ${js} === "object" && ${js}.isLuaTable === true`;

  /**
   * `o[key]` read inline from a table without a metatable: an integer key from the array part,
   * a string key from the map; a miss (nil, a hole, a float key, a metatable) goes to the runtime.
   */
  function indexed(o: Operand, key: Operand, s: number): string {
    const slow = `$index(${o.js}, ${key.js}, ${s})`;
    if (o.kind !== undefined || key.kind === "boxed" || key.kind === "float" || (key.kind === "plain" && !key.js.startsWith("$K"))) return slow;
    const r = resultTemp();
    const read =
      key.kind === "plain" ? `(${r} = ${o.js}.hash.get(${key.js})) !== undefined` : and(key.kind === "int" ? "" : `typeof ${key.js} === "number"`, `(${r} = ${o.js}.arr[${key.js} - 1]) !== undefined`);
    return `${isTableTest(o.js)} && ${o.js}.metatable === undefined && ${read} ? ${r} : ${slow}`;
  }

  function binary(e: L.BinaryExpression): string {
    const swap = e.operator === ">" || e.operator === ">=";
    const s = swap ? siteOf(e, describe(e.right), describe(e.left)) : siteOf(e, describe(e.left), describe(e.right));
    const { pre, ops } = operands([e.left, e.right], true, e.operator !== "..");
    const [a, b] = ops as [Operand, Operand];
    const [l, r] = [a.js, b.js];
    const both = bothNumbers(a, b);
    const compare = (js: string, slow: string) => `(${pre}${both === undefined ? slow : both === "" ? js : `${both} ? ${js} : ${slow}`})`;
    switch (e.operator) {
      case "==":
        return `(${pre}${equality(a, b, s)})`;
      case "~=":
        return `!(${pre}${equality(a, b, s)})`;
      case "<":
        return compare(`${l} < ${r}`, `$lt(${l}, ${r}, ${s})`);
      case "<=":
        return compare(`${l} <= ${r}`, `$le(${l}, ${r}, ${s})`);
      case ">":
        return compare(`${l} > ${r}`, `$lt(${r}, ${l}, ${s})`);
      case ">=":
        return compare(`${l} >= ${r}`, `$le(${r}, ${l}, ${s})`);
      case "+":
      case "-":
      case "*":
      case "/":
        return `(${pre}${arithmetic(e.operator, a, b, s)})`;
      default: {
        const op = ARITH[e.operator];
        if (op === undefined) return refuse(e, `operator '${e.operator}' is not supported`);
        return `(${pre}${op}(${l}, ${r}, ${s}))`;
      }
    }
  }

  /** A condition as a JS boolean. */
  function cond(e: L.Expression): string {
    if (e.type === "BinaryExpression" && ["==", "~=", "<", "<=", ">", ">="].includes(e.operator)) return binary(e);
    if (e.type === "UnaryExpression" && e.operator === "not") return `!${cond(e.argument)}`;
    if (e.type === "LogicalExpression") return `(${cond(e.left)} ${e.operator === "and" ? "&&" : "||"} ${cond(e.right)})`;
    if (e.type === "BooleanLiteral") return e.value ? "true" : "false";
    if (e.type === "NilLiteral") return "false";
    const t = temp();
    return `((${t} = ${expr(e)}) !== undefined && ${t} !== false)`;
  }

  function isMulti(e: L.Expression): boolean {
    return (e.type === "CallExpression" || e.type === "TableCallExpression" || e.type === "StringCallExpression" || e.type === "VarargLiteral") && !parenthesized(e);
  }
  function parenthesized(e: L.Node): boolean {
    const r = rangeOf(e);
    if (r === undefined) return false;
    let i = r[0] - 1;
    while (i >= 0 && /\s/.test(bytes[i]!)) i--;
    return bytes[i] === "(" && !openParens.has(i);
  }
  /** Offsets of the '(' that open call argument lists. */
  const openParens = new Set<number>();

  /** A multi-value expression as a JS array. */
  function multi(e: L.Expression): string {
    if (e.type === "VarargLiteral") {
      if (!fn.vararg) refuse(e, "cannot use '...' outside a vararg function");
      return "$va";
    }
    return callExpr(e as L.CallExpression);
  }

  /** An expression list as JS items (comma-separated), the last one spread when it is multi-valued. */
  function items(list: L.Expression[]): string {
    return list.map((e, i) => (i === list.length - 1 && isMulti(e) ? `...${multi(e)}` : expr(e))).join(", ");
  }

  function callExpr(e: L.CallExpression | L.TableCallExpression | L.StringCallExpression): string {
    const args: L.Expression[] = e.type === "CallExpression" ? e.arguments : e.type === "TableCallExpression" ? [e.arguments] : [e.argument];
    const baseRange = rangeOf(e.base);
    if (e.type === "CallExpression" && baseRange !== undefined) {
      let i = baseRange[1];
      while (i < bytes.length && /\s/.test(bytes[i]!)) i++;
      if (bytes[i] === "(") openParens.add(i);
    }
    const base = e.base;
    if (base.type === "MemberExpression" && base.indexer === ":") {
      const name = base.identifier.name;
      if (REFUSED_METHODS.has(name)) refuse(e, `method '${name}' (string patterns and packing) is not supported by the compiled engine yet`);
      const a = items(args);
      return `$callMethod(${expr(base.base)}, ${k(name)}, ${site(e, `method '${name}'`)}${a === "" ? "" : `, ${a}`})`;
    }
    const f = expr(base);
    const a = items(args);
    const d = describe(base);
    return `$call(${f}, ${d === undefined ? site(e) : site(e, d)}${a === "" ? "" : `, ${a}`})`;
  }

  function tableExpr(e: L.TableConstructorExpression): string {
    const positional: L.Expression[] = [];
    const keyed: string[] = [];
    for (const f of e.fields) {
      if (f.type === "TableValue") positional.push(f.value);
      else if (f.type === "TableKeyString") keyed.push(k(f.key.name), expr(f.value));
      else keyed.push(expr(f.key), expr(f.value));
    }
    const pos = positional.map((v, i) => (i === positional.length - 1 && isMulti(v) ? `...${multi(v)}` : expr(v))).join(", ");
    return `$newTable([${pos}], [${keyed.join(", ")}], ${site(e)})`;
  }

  function functionExpr(e: L.FunctionDeclaration, method: boolean): string {
    const outerFn = fn;
    const outerScope = scope;
    const vararg = e.parameters.some((p) => p.type === "VarargLiteral");
    fn = newFunction(vararg);
    scope = [...scope, new Map()];
    const params: string[] = [];
    if (method) params.push(declare("self"));
    for (const p of e.parameters) if (p.type === "Identifier") params.push(declare(p.name));
    if (vararg) params.push("...$va");
    const body = block(e.body);
    const temps = declareTemps(fn);
    fn = outerFn;
    scope = outerScope;
    return `$closure(function (${params.join(", ")}) {${temps}${body} return []; })`;
  }

  function block(stmts: L.Statement[], pre = ""): string {
    scope.push(new Map());
    const plan: GotoPlan = planGotos(stmts, () => `$J${++nextLabel}`, refuse);
    for (const [g, js] of plan.gotos) fn.gotos.set(g, js);
    const out = plan.emit((s) => statement(s), (l) => tick(l));
    scope.pop();
    return pre + out;
  }

  /** Assigns `value` (JS already evaluated or about to be; `valueExpr` its Lua, when it has one) to `target`. */
  function assignTarget(target: L.Expression, value: string, valueExpr?: L.Expression): string {
    if (target.type === "Identifier") {
      const l = lookup(target.name);
      if (l !== undefined) return `${l.js} = ${value};`;
      checkRefusedGlobal(target, target.name);
      return `$setindex($G, ${k(target.name)}, ${value}, ${site(target)});`;
    }
    if (target.type === "MemberExpression") {
      // The table is read after the value (a local's register, as Lua reads it), unless it went to a temp before.
      const pure = valueExpr !== undefined && isPure(valueExpr);
      const { pre, ops } = operands([target.base], pure);
      const v = pure ? value : temp();
      const first = `${pre === "" ? "" : `${pre.slice(0, -2)};`}${pure ? "" : ` ${v} = ${value};`}`;
      return `${first} $setindex(${ops[0]!.js}, ${k(target.identifier.name)}, ${v}, ${site(target, describe(target.base))});`;
    }
    if (target.type === "IndexExpression") {
      const { pre, ops } = operands([target.base, target.index], valueExpr !== undefined && isPure(valueExpr));
      return storeIndexed(pre, ops[0]!, ops[1]!, value, site(target, describe(target.base)));
    }
    return refuse(target, "cannot assign to this expression");
  }

  /**
   * `o[key] = value` as a statement: a non-nil value over a non-nil slot of the array part of a
   * table without a metatable, whose array part is its own (not borrowed), is stored inline
   * (nothing to charge, no border to move); anything else goes to the runtime's setindex. `pre`
   * evaluates `o` and `key` first, as Lua does.
   */
  function storeIndexed(pre: string, o: Operand, key: Operand, value: string, s: number): string {
    const first = pre === "" ? "" : `${pre.slice(0, -2)};`;
    if (o.kind !== undefined || (key.kind !== undefined && key.kind !== "int")) return `${first} $setindex(${o.js}, ${key.js}, ${value}, ${s});`;
    const v = temp();
    const test = and(`${isTableTest(o.js)} && ${o.js}.metatable === undefined && ${o.js}.borrowed === false`, key.kind === "int" ? "" : `typeof ${key.js} === "number"`, `${v} !== undefined && ${o.js}.arr[${key.js} - 1] !== undefined`);
    return `${first} ${v} = ${value}; if (${test}) ${o.js}.arr[${key.js} - 1] = ${v}; else $setindex(${o.js}, ${key.js}, ${v}, ${s});`;
  }

  function statement(s: L.Statement): string {
    switch (s.type) {
      case "LocalStatement": {
        const init = s.init;
        if (init.length === 0 || (init.length === s.variables.length && !init.some(isMulti))) {
          const values = s.variables.map((_, i) => (init[i] === undefined ? "undefined" : expr(init[i])));
          const names = s.variables.map((v) => declare(v.name));
          return `let ${names.map((n, i) => `${n} = ${values[i]}`).join(", ")};`;
        }
        const t = temp();
        const list = `${t} = [${items(init)}];`;
        const names = s.variables.map((v) => declare(v.name));
        return `${list} let ${names.map((n, i) => `${n} = ${t}[${i}]`).join(", ")};`;
      }
      case "AssignmentStatement": {
        if (s.variables.length === 1 && s.init.length === 1) return assignTarget(s.variables[0]!, expr(s.init[0]!), s.init[0]!);
        // Lua evaluates the targets' tables and keys first, then the values, and assigns right to left.
        const pre: string[] = [];
        const targets = s.variables.map((v) => {
          if (v.type === "Identifier") return v;
          const b = temp();
          const key = temp();
          pre.push(`${b} = ${expr(v.base)};`, `${key} = ${v.type === "MemberExpression" ? k(v.identifier.name) : expr(v.index)};`);
          return { b, key, at: site(v, describe(v.base)) };
        });
        const t = temp();
        const assigns = targets.map((v, i) =>
          "type" in v ? assignTarget(v, `${t}[${i}]`) : `$setindex(${v.b}, ${v.key}, ${t}[${i}], ${v.at});`,
        );
        return `${pre.join(" ")} ${t} = [${items(s.init)}]; ${assigns.reverse().join(" ")}`;
      }
      case "CallStatement":
        return `${callExpr(s.expression as L.CallExpression)};`;
      case "DoStatement":
        return `{${block(s.body)}}`;
      case "IfStatement":
        return s.clauses
          .map((c) => (c.type === "ElseClause" ? `{${block(c.body)}}` : `if (${cond(c.condition)}) {${block(c.body)}}`))
          .join(" else ");
      case "WhileStatement": {
        const label = `$L${++nextLabel}`;
        fn.loops.push(label);
        const out = `${label}: while (${cond(s.condition)}) {${tick(s)}${block(s.body)}}`;
        fn.loops.pop();
        return out;
      }
      case "RepeatStatement": {
        const label = `$L${++nextLabel}`;
        fn.loops.push(label);
        scope.push(new Map());
        const plan = planGotos(s.body, () => `$J${++nextLabel}`, refuse);
        for (const [g, js] of plan.gotos) fn.gotos.set(g, js);
        const body = plan.emit((st) => statement(st), (l) => tick(l));
        const c = cond(s.condition);
        scope.pop();
        fn.loops.pop();
        return `${label}: for (;;) {${tick(s)} ${body} if (${c}) break ${label}; }`;
      }
      case "ForNumericStatement":
        return forNumeric(s);
      case "ForGenericStatement":
        return forGeneric(s);
      case "BreakStatement": {
        const label = fn.loops[fn.loops.length - 1];
        if (label === undefined) return refuse(s, "break outside a loop");
        return `break ${label};`;
      }
      case "ReturnStatement": {
        if (s.arguments.length === 1 && isMulti(s.arguments[0]!)) {
          const only = s.arguments[0]!;
          return `return ${only.type === "VarargLiteral" ? "$va.slice()" : multi(only)};`;
        }
        return `return [${items(s.arguments)}];`;
      }
      case "FunctionDeclaration": {
        const id = s.identifier;
        if (id === null) return `${functionExpr(s, false)};`;
        if (s.isLocal && id.type === "Identifier") {
          const js = declare(id.name);
          return `let ${js}; ${js} = ${functionExpr(s, false)};`;
        }
        const method = id.type === "MemberExpression" && id.indexer === ":";
        return assignTarget(method ? { ...id, indexer: "." } : id, functionExpr(s, method));
      }
      case "GotoStatement": {
        const js = fn.gotos.get(s);
        if (js === undefined) return refuse(s, `no visible label '${s.label.name}' for <goto>`);
        return js;
      }
      case "LabelStatement":
        return "";
      default:
        return refuse(s, `${(s as L.Node).type} is not supported by the compiled engine`);
    }
  }

  function forNumeric(s: L.ForNumericStatement): string {
    const label = `$L${++nextLabel}`;
    const p = temp();
    const i = `$i${nextLabel}`;
    const head = `${p} = $forPrep(${expr(s.start)}, ${expr(s.end)}, ${s.step ? expr(s.step) : "1"}, ${site(s)});`;
    const positive = s.step === null || (s.step.type === "NumericLiteral" && Number(s.step.value) > 0);
    const [lim, step, isFloat] = [`$a${nextLabel}`, `$b${nextLabel}`, `$c${nextLabel}`];
    const test = positive ? `${i} <= ${lim}` : `(${step} > 0 ? ${i} <= ${lim} : ${i} >= ${lim})`;
    // In mode 2 (BigInt) the start, limit and step are all bigints, so `+=` and the test hold.
    fn.loops.push(label);
    scope.push(new Map());
    const v = declare(s.variable.name);
    const body = block(s.body);
    scope.pop();
    fn.loops.pop();
    return `${head} const ${lim} = ${p}[1], ${step} = ${p}[2], ${isFloat} = ${p}[3]; ${label}: for (let ${i} = ${p}[0]; ${test}; ${i} += ${step}) {${tick(s)} let ${v} = ${isFloat} === 0 ? ${i} : ${isFloat} === 1 ? $float(${i}) : $intOf(${i}); ${body}}`;
  }

  function forGeneric(s: L.ForGenericStatement): string {
    const label = `$L${++nextLabel}`;
    const st = temp();
    const r = temp();
    const head = `${st} = [${items(s.iterators)}];`;
    const callSite = site(s, "for iterator 'for iterator'");
    fn.loops.push(label);
    scope.push(new Map());
    const names = s.variables.map((v) => declare(v.name));
    const body = block(s.body);
    scope.pop();
    fn.loops.pop();
    const bind = names.map((n, i) => `${n} = ${r}[${i}]`).join(", ");
    return `${head} ${label}: for (;;) {${tick(s)} ${r} = $call(${st}[0], ${callSite}, ${st}[1], ${st}[2]); if (${r}[0] === undefined) break; ${st}[2] = ${r}[0]; let ${bind}; ${body}}`;
  }

  scope = [new Map()];
  const main = block(ast.body);
  const temps = declareTemps(fn);
  const bind = `const { ${OPS.map((o) => `${o}: $${o}`).join(", ")} } = $ops;`;
  const js = `"use strict"; ${bind} return function (...$va) {${temps}${main} return []; };`;
  return { js, constants, sites };
}
