import { LuaTable } from "./LuaTable.ts";
import { isNumber, parseInBase, parseNumber, toInteger, type LuaNumber } from "./numbers.ts";
import { STRING_BYTES_PER_UNIT, rawToString, truthy, typeName, type Ops, type RunState } from "./runtime.ts";
import { formatString } from "./stringFormat.ts";
import { sortTable } from "./sortTable.ts";
import { LuaFloat, LuaThrow, doubleToInt, float, floatValue, intOf, toDouble, type LuaFunction, type LuaValue } from "./values.ts";

/** Library functions the compiled engine refuses at compile time (name → why), until they are written. */
export const REFUSED_LIBRARY: ReadonlyMap<string, string> = new Map([
  ["string.find", "string patterns"],
  ["string.match", "string patterns"],
  ["string.gmatch", "string patterns"],
  ["string.gsub", "string patterns"],
  ["string.pack", "string.pack"],
  ["string.unpack", "string.unpack"],
  ["string.packsize", "string.packsize"],
  ["string.dump", "string.dump"],
  ["coroutine", "coroutines"],
  ["load", "load"],
  ["loadstring", "load"],
  ["dofile", "dofile"],
  ["require", "require"],
  ["utf8", "the utf8 library"],
  ["collectgarbage", "collectgarbage"],
  ["quant", "the quant library"],
]);

const LIBRARY_FUNCTIONS: Record<string, string[]> = {
  string: ["len", "sub", "upper", "lower", "reverse", "rep", "byte", "char", "format"],
  table: ["insert", "remove", "concat", "unpack", "pack", "sort", "move"],
  math: ["abs", "ceil", "floor", "sqrt", "sin", "cos", "tan", "asin", "acos", "exp", "atan", "log", "fmod", "modf", "tointeger", "ult", "max", "min"],
};

/** Library functions' full names ("rep" → "string.rep"), as Lua names a function pcall called directly. */
const QUALIFIED = new Map(Object.entries(LIBRARY_FUNCTIONS).flatMap(([lib, names]) => names.map((n) => [n, `${lib}.${n}`] as const)));

/** Method names on strings the compiler refuses (`s:gsub(...)`). */
export const REFUSED_METHODS: ReadonlySet<string> = new Set(["find", "match", "gmatch", "gsub", "pack", "unpack"]);

/** Builds a fresh global table for one run: a print-free subset of Lua 5.4's base, math, string and table libraries. */
export function createGlobals(st: RunState, ops: Ops): LuaTable {
  const G = new LuaTable();
  const callerSite = (up = 0) => st.calls[st.calls.length - 1 - up] ?? -1;
  const err = (message: string): never => {
    throw new LuaThrow(ops.where(callerSite()) + message);
  };
  /**
   * Lua's "bad argument" error: called from Lua as a method (`s:rep(x)`) the arguments count
   * from after self; called directly by pcall, the function is named with its library.
   */
  const argError = (n: number, fname: string, msg: string): never => {
    const site = callerSite();
    const short = fname.slice(fname.lastIndexOf(".") + 1);
    if (site === -1) return err(`bad argument #${n} to '${fname.includes(".") ? fname : (QUALIFIED.get(fname) ?? fname)}' (${msg})`);
    if (st.sites[site]?.[1]?.startsWith("method '")) {
      if (n === 1) return err(`calling '${short}' on bad self (${msg})`);
      n--;
    }
    return err(`bad argument #${n} to '${short}' (${msg})`);
  };
  const got = (v: LuaValue, present: boolean) => (present ? typeName(v) : "no value");
  const checkTable = (args: LuaValue[], n: number, fname: string): LuaTable => {
    const v = args[n - 1];
    if (v instanceof LuaTable) return v;
    return argError(n, fname, `table expected, got ${got(v, args.length >= n)}`);
  };
  const checkNumber = (args: LuaValue[], n: number, fname: string): LuaNumber => {
    const v = args[n - 1];
    if (isNumber(v)) return v;
    if (typeof v === "string") {
      const p = parseNumber(v);
      if (p !== undefined) return p;
    }
    return argError(n, fname, `number expected, got ${got(v, args.length >= n)}`);
  };
  const checkInt = (args: LuaValue[], n: number, fname: string): number => {
    const v = checkNumber(args, n, fname);
    const i = toInteger(v);
    if (i === undefined) return argError(n, fname, "number has no integer representation");
    return typeof i === "bigint" ? (i > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER) : i;
  };
  const optInt = (args: LuaValue[], n: number, fname: string, d: number): number => (args[n - 1] === undefined ? d : checkInt(args, n, fname));
  const checkString = (args: LuaValue[], n: number, fname: string): string => {
    const v = args[n - 1];
    if (typeof v === "string") return v;
    if (isNumber(v)) return rawToString(v);
    return argError(n, fname, `string expected, got ${got(v, args.length >= n)}`);
  };
  const tostring = (v: LuaValue): string => {
    const h = ops.metamethod(v, "__tostring");
    if (h !== undefined) {
      const s = ops.invoke(h, [v])[0];
      if (typeof s === "string") return s;
      if (isNumber(s)) return rawToString(s);
      return err("'__tostring' must return a string");
    }
    const name = ops.metamethod(v, "__name");
    if (typeof name === "string" && v instanceof LuaTable) return rawToString(v).replace("table", name);
    return rawToString(v);
  };
  const lib = (entries: Record<string, LuaFunction | LuaValue>): LuaTable => {
    const t = new LuaTable();
    for (const [k, v] of Object.entries(entries)) t.set(k, v);
    return t;
  };
  const one = (v: LuaValue): LuaValue[] => [v];

  const next: LuaFunction = (...a) => {
    const t = checkTable(a, 1, "next");
    const r = t.next(a[1]);
    if (r === "invalid") return err("invalid key to 'next'");
    return r === undefined ? [undefined] : r;
  };
  const ipairsIter: LuaFunction = (t, i) => {
    const n = ops.add(i, 1, -1);
    const v = ops.index(t, n, callerSite());
    return v === undefined ? [undefined] : [n, v];
  };

  const base: Record<string, LuaFunction> = {
    assert: (...a) => {
      if (a.length === 0) return argError(1, "assert", "value expected");
      if (truthy(a[0])) return a;
      if (a.length >= 2) throw new LuaThrow(a[1]);
      return err("assertion failed!");
    },
    error: (...a) => {
      const v = a[0];
      const level = a[1] === undefined ? 1 : checkInt(a, 2, "error");
      if (typeof v === "string" && level > 0) throw new LuaThrow(ops.where(callerSite(level - 1)) + v);
      throw new LuaThrow(v);
    },
    pcall: (...a) => {
      if (a.length === 0) return argError(1, "pcall", "value expected");
      const depth = st.calls.length;
      try {
        return [true, ...ops.invoke(a[0], a.slice(1))];
      } catch (e) {
        st.calls.length = depth;
        if (e instanceof LuaThrow && !e.fatal) return [false, e.value];
        if (e instanceof RangeError) return [false, ops.where(callerSite()) + "stack overflow"];
        throw e;
      }
    },
    xpcall: (...a) => {
      const depth = st.calls.length;
      try {
        return [true, ...ops.invoke(a[0], a.slice(2))];
      } catch (e) {
        st.calls.length = depth;
        if (e instanceof LuaThrow && !e.fatal) return [false, ...ops.invoke(a[1], [e.value])];
        if (e instanceof RangeError) return [false, ...ops.invoke(a[1], ["stack overflow"])];
        throw e;
      }
    },
    next,
    pairs: (...a) => {
      const h = ops.metamethod(a[0], "__pairs");
      if (h !== undefined) return ops.invoke(h, [a[0]]).slice(0, 3);
      checkTable(a, 1, "pairs");
      return [next, a[0], undefined];
    },
    ipairs: (...a) => {
      if (a.length === 0) return argError(1, "ipairs", "table expected, got no value");
      return [ipairsIter, a[0], 0];
    },
    select: (...a) => {
      const n = a[0];
      if (n === "#") return [a.length - 1];
      const i = checkInt(a, 1, "select");
      if (i < 0) {
        if (-i > a.length - 1) return argError(1, "select", "index out of range");
        return a.slice(a.length + i);
      }
      if (i === 0) return argError(1, "select", "index out of range");
      return a.slice(i);
    },
    type: (...a) => {
      if (a.length === 0) return argError(1, "type", "value expected");
      return [typeName(a[0])];
    },
    tostring: (...a) => {
      if (a.length === 0) return argError(1, "tostring", "value expected");
      return [tostring(a[0])];
    },
    tonumber: (...a) => {
      if (a[1] === undefined) {
        const v = a[0];
        if (isNumber(v)) return [v];
        if (typeof v === "string") return [parseNumber(v)];
        if (a.length === 0) return argError(1, "tonumber", "value expected");
        return [undefined];
      }
      const base = checkInt(a, 2, "tonumber");
      if (base < 2 || base > 36) return argError(2, "tonumber", "base out of range");
      const s = a[0];
      if (typeof s !== "string") return argError(1, "tonumber", `string expected, got ${got(s, a.length >= 1)}`);
      return [parseInBase(s, base)];
    },
    setmetatable: (...a) => {
      const t = checkTable(a, 1, "setmetatable");
      const mt = a[1];
      if (mt !== undefined && !(mt instanceof LuaTable)) return argError(2, "setmetatable", "nil or table expected");
      if (t.metatable?.get("__metatable") !== undefined) return err("cannot change a protected metatable");
      t.metatable = mt;
      return [t];
    },
    getmetatable: (...a) => {
      const v = a[0];
      if (typeof v === "string") return ["locked"];
      const mt = v instanceof LuaTable ? v.metatable : undefined;
      if (mt === undefined) return [undefined];
      const protectedBy = mt.get("__metatable");
      return [protectedBy !== undefined ? protectedBy : mt];
    },
    rawget: (...a) => [checkTable(a, 1, "rawget").get(a[1])],
    rawset: (...a) => {
      const t = checkTable(a, 1, "rawset");
      if (a[1] === undefined) return err("table index is nil");
      if (typeof a[1] === "number" && Number.isNaN(a[1])) return err("table index is NaN");
      t.set(a[1], a[2]);
      return [t];
    },
    rawequal: (...a) => [ops.rawEquals(a[0], a[1])],
    rawlen: (...a) => {
      const v = a[0];
      if (v instanceof LuaTable) return [v.length()];
      if (typeof v === "string") return [v.length];
      return argError(1, "rawlen", `table or string expected, got ${got(v, a.length >= 1)}`);
    },
  };
  for (const [k, v] of Object.entries(base)) G.set(k, v);
  G.set("_G", G);
  G.set("_VERSION", "Lua 5.4");

  const mathUnary = (fname: string, f: (x: number) => number) => (...a: LuaValue[]) => one(float(f(toDouble(checkNumber(a, 1, fname)))));
  G.set(
    "math",
    lib({
      pi: Math.PI,
      huge: Infinity,
      maxinteger: 9223372036854775807n,
      mininteger: -9223372036854775808n,
      abs: (...a) => {
        const x = checkNumber(a, 1, "abs");
        if (typeof x === "bigint") return [intOf(x < 0n ? -x : x)];
        if (typeof x === "number") return [Number.isInteger(x) ? Math.abs(x) : Math.abs(x)];
        return [float(Math.abs(x.n))];
      },
      ceil: (...a) => roundTo(checkNumber(a, 1, "ceil"), Math.ceil),
      floor: (...a) => roundTo(checkNumber(a, 1, "floor"), Math.floor),
      sqrt: mathUnary("sqrt", Math.sqrt),
      sin: mathUnary("sin", Math.sin),
      cos: mathUnary("cos", Math.cos),
      tan: mathUnary("tan", Math.tan),
      asin: mathUnary("asin", Math.asin),
      acos: mathUnary("acos", Math.acos),
      exp: mathUnary("exp", Math.exp),
      atan: (...a) => one(float(Math.atan2(toDouble(checkNumber(a, 1, "atan")), a[1] === undefined ? 1 : toDouble(checkNumber(a, 2, "atan"))))),
      log: (...a) => {
        const x = toDouble(checkNumber(a, 1, "log"));
        if (a[1] === undefined) return one(float(Math.log(x)));
        const b = toDouble(checkNumber(a, 2, "log"));
        return one(float(b === 2 ? Math.log2(x) : b === 10 ? Math.log10(x) : Math.log(x) / Math.log(b)));
      },
      fmod: (...a) => {
        const x = checkNumber(a, 1, "fmod");
        const y = checkNumber(a, 2, "fmod");
        const i = typeof x === "number" && Number.isInteger(x) ? x : typeof x === "bigint" ? x : undefined;
        const j = typeof y === "number" && Number.isInteger(y) ? y : typeof y === "bigint" ? y : undefined;
        if (i !== undefined && j !== undefined) {
          if (j === 0 || j === 0n) return argError(2, "fmod", "zero");
          return [intOf(BigInt(i) % BigInt(j))];
        }
        return one(float(toDouble(x) % toDouble(y)));
      },
      modf: (...a) => {
        const n = checkNumber(a, 1, "modf");
        if (typeof n === "bigint" || (typeof n === "number" && Number.isInteger(n))) return [n, float(0)];
        const x = toDouble(n);
        const ip = x >= 0 ? Math.floor(x) : Math.ceil(x);
        return [doubleToInt(ip) ?? float(ip), float(x === ip ? 0 : x - ip)];
      },
      tointeger: (...a) => {
        const x = a[0];
        if (typeof x === "number" || x instanceof LuaFloat) return [doubleToInt(floatValue(x))];
        if (typeof x === "bigint") return [x];
        if (typeof x === "string") {
          const n = parseNumber(x);
          return [n === undefined ? undefined : toInteger(n)];
        }
        return [undefined];
      },
      type: (...a) => {
        if (a.length === 0) return argError(1, "math.type", "value expected");
        const x = a[0];
        if (!isNumber(x)) return [undefined];
        return [(typeof x === "number" && Number.isInteger(x)) || typeof x === "bigint" ? "integer" : "float"];
      },
      ult: (...a) => {
        const x = BigInt.asUintN(64, BigInt(checkIntExact(a, 1, "ult")));
        const y = BigInt.asUintN(64, BigInt(checkIntExact(a, 2, "ult")));
        return [x < y];
      },
      max: (...a) => extreme(a, "max", 1),
      min: (...a) => extreme(a, "min", -1),
    }),
  );
  function checkIntExact(a: LuaValue[], n: number, fname: string): number | bigint {
    const i = toInteger(checkNumber(a, n, fname));
    if (i === undefined) return argError(n, fname, "number has no integer representation");
    return i;
  }
  function roundTo(x: LuaNumber, f: (x: number) => number): LuaValue[] {
    if (typeof x === "bigint" || (typeof x === "number" && Number.isInteger(x))) return [x];
    const r = f(floatValue(x as number | LuaFloat));
    return [doubleToInt(r) ?? float(r)];
  }
  function extreme(a: LuaValue[], fname: string, sign: number): LuaValue[] {
    if (a.length === 0) return argError(1, fname, "value expected");
    let best = checkNumber(a, 1, fname);
    for (let i = 2; i <= a.length; i++) {
      const x = checkNumber(a, i, fname);
      if (sign > 0 ? ops.lt(best, x, -1) : ops.lt(x, best, -1)) best = x;
    }
    return [best];
  }

  const stringLib = lib({
    len: (...a) => [checkString(a, 1, "len").length],
    sub: (...a) => {
      const s = checkString(a, 1, "sub");
      const l = s.length;
      let i = optInt(a, 2, "sub", 1);
      let j = optInt(a, 3, "sub", -1);
      if (i < 0) i = Math.max(l + i + 1, 1);
      else if (i === 0) i = 1;
      if (j < 0) j = l + j + 1;
      else if (j > l) j = l;
      return [i > j ? "" : s.slice(i - 1, j)];
    },
    upper: (...a) => [checkString(a, 1, "upper").replace(/[a-z]+/g, (m) => m.toUpperCase())],
    lower: (...a) => [checkString(a, 1, "lower").replace(/[A-Z]+/g, (m) => m.toLowerCase())],
    reverse: (...a) => [[...checkString(a, 1, "reverse")].reverse().join("")],
    rep: (...a) => {
      const s = checkString(a, 1, "rep");
      const n = checkInt(a, 2, "rep");
      const sep = a[2] === undefined ? "" : checkString(a, 3, "rep");
      if (n <= 0) return [""];
      const size = s.length * n + sep.length * (n - 1);
      if (size > st.maxStringBytes) throw new LuaThrow(`${ops.where(callerSite())}string.rep result too large (${size} bytes > limit ${st.maxStringBytes})`, false, "memory");
      ops.charge(n + size / STRING_BYTES_PER_UNIT, callerSite());
      return [Array<string>(n).fill(s).join(sep)];
    },
    byte: (...a) => {
      const s = checkString(a, 1, "byte");
      const l = s.length;
      let i = optInt(a, 2, "byte", 1);
      let j = optInt(a, 3, "byte", i);
      if (i < 0) i = Math.max(l + i + 1, 1);
      else if (i === 0) i = 1;
      if (j < 0) j = l + j + 1;
      else if (j > l) j = l;
      const out: LuaValue[] = [];
      for (let k = i; k <= j; k++) out.push(s.charCodeAt(k - 1));
      return out;
    },
    char: (...a) => {
      let s = "";
      for (let i = 1; i <= a.length; i++) {
        const c = checkInt(a, i, "char");
        if (c < 0 || c > 255) return argError(i, "char", "value out of range");
        s += String.fromCharCode(c);
      }
      return [s];
    },
    format: (...a) => {
      const out = formatString(checkString(a, 1, "format"), a, { argError, tostring, checkNumber, fail: err });
      if (out.length > st.maxStringBytes) throw new LuaThrow(`${ops.where(callerSite())}string too large (${out.length} bytes > limit ${st.maxStringBytes})`, false, "memory");
      ops.charge(out.length / STRING_BYTES_PER_UNIT, callerSite());
      return [out];
    },
  });
  G.set("string", stringLib);
  st.stringMeta = lib({ __index: stringLib });

  G.set(
    "table",
    lib({
      insert: (...a) => {
        const t = checkTable(a, 1, "insert");
        const e = (ops.len(t, callerSite()) as number) + 1;
        if (a.length === 2) {
          ops.setindex(t, e, a[1], callerSite());
          return [];
        }
        if (a.length !== 3) return err("wrong number of arguments to 'insert'");
        const pos = checkInt(a, 2, "insert");
        if (pos < 1 || pos > e) return argError(2, "insert", "position out of bounds");
        for (let i = e; i > pos; i--) ops.setindex(t, i, ops.index(t, i - 1, -1), -1);
        ops.setindex(t, pos, a[2], -1);
        return [];
      },
      remove: (...a) => {
        const t = checkTable(a, 1, "remove");
        const size = ops.len(t, callerSite()) as number;
        let pos = a[1] === undefined ? size : checkInt(a, 2, "remove");
        // Native lua5.4 (5.4.6) names argument #1 here, though the position is the second.
        if (pos !== size && (pos < 1 || pos > size + 1)) return argError(1, "remove", "position out of bounds");
        const v = ops.index(t, pos, -1);
        for (; pos < size; pos++) ops.setindex(t, pos, ops.index(t, pos + 1, -1), -1);
        ops.setindex(t, pos, undefined, -1);
        return [v];
      },
      concat: (...a) => {
        const t = checkTable(a, 1, "concat");
        const sep = a[1] === undefined ? "" : checkString(a, 2, "concat");
        const i = optInt(a, 3, "concat", 1);
        const j = a[3] === undefined ? (ops.len(t, callerSite()) as number) : checkInt(a, 4, "concat");
        const parts: string[] = [];
        for (let k = i; k <= j; k++) {
          const v = ops.index(t, k, -1);
          if (typeof v === "string") parts.push(v);
          else if (isNumber(v)) parts.push(rawToString(v));
          else return err(`invalid value (${typeName(v)}) at index ${k} in table for 'concat'`);
        }
        const size = parts.reduce((n, part) => n + part.length, 0) + sep.length * Math.max(0, parts.length - 1);
        if (size > st.maxStringBytes) throw new LuaThrow(`${ops.where(callerSite())}table.concat result too large (${size} bytes > limit ${st.maxStringBytes})`, false, "memory");
        ops.charge(parts.length + size / STRING_BYTES_PER_UNIT, callerSite());
        return [parts.join(sep)];
      },
      unpack: (...a) => {
        const t = a[0];
        const i = optInt(a, 2, "unpack", 1);
        const j = a[2] === undefined ? (ops.len(t, callerSite()) as number) : checkInt(a, 3, "unpack");
        if (j - i >= 1e6) return err("too many results to unpack");
        const out: LuaValue[] = [];
        for (let k = i; k <= j; k++) out.push(ops.index(t, k, callerSite()));
        return out;
      },
      move: (...a) => {
        const src = checkTable(a, 1, "move");
        const f = checkInt(a, 2, "move");
        const e = checkInt(a, 3, "move");
        const t = checkInt(a, 4, "move");
        const dst = a[4] === undefined ? src : checkTable(a, 5, "move");
        if (e >= f) ops.charge(e - f + 1, callerSite());
        if (e >= f) {
          if (t > e || t <= f || dst !== src) for (let i = 0; i <= e - f; i++) ops.setindex(dst, t + i, ops.index(src, f + i, -1), -1);
          else for (let i = e - f; i >= 0; i--) ops.setindex(dst, t + i, ops.index(src, f + i, -1), -1);
        }
        return [dst];
      },
      pack: (...a) => {
        const t = new LuaTable();
        a.forEach((v, i) => t.set(i + 1, v));
        t.set("n", a.length);
        return [t];
      },
      sort: (...a) => {
        const t = checkTable(a, 1, "sort");
        const cmp = a[1];
        if (cmp !== undefined && typeof cmp !== "function") return argError(2, "sort", `function expected, got ${typeName(cmp)}`);
        const lessThan =
          cmp === undefined ? (x: LuaValue, y: LuaValue) => ops.lt(x, y, -1) : (x: LuaValue, y: LuaValue) => truthy(ops.invoke(cmp, [x, y])[0]);
        sortTable(t, ops.len(t, callerSite()) as number, lessThan, (i) => ops.index(t, i, -1), (i, v) => ops.setindex(t, i, v, -1), err);
        return [];
      },
    }),
  );
  return G;
}
