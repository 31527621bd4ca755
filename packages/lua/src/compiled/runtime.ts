import { LuaTable, isTable } from "./LuaTable.ts";
import { COMPILED_HEAP_COST, chargeHeap } from "./memory.ts";
import { compareNumbers, idivInt, isNumber, modFloat, modInt, parseNumber, toInteger, type LuaNumber } from "./numbers.ts";
import { LuaFloat, LuaThrow, float, floatValue, formatFloat, intOf, isBoxedFloat, type LuaValue } from "./values.ts";

/** Where an operation sits in the source: its line and how Lua names its operands ("local 'x'"). */
export type Site = readonly [line: number, first?: string, second?: string];

/** Budget, chunk name and call positions shared by one run of a compiled chunk. */
export interface RunState {
  /** Back-edges and calls left; the chunk fails when it goes below zero. */
  left: number;
  readonly chunkName: string;
  readonly sites: readonly Site[];
  /** Sites of the calls in progress, innermost last (for `error`'s level and stack depth). */
  readonly calls: number[];
  stringMeta: LuaTable;
  /** The site of the last assignment that called a `__newindex` function (where a `ts` result's refusal points). */
  newindexSite?: number;
  /** Largest string a run may make, in bytes (JobOptions.maxStringBytes). */
  maxStringBytes: number;
}

/**
 * Calls (Lua functions, library functions and metamethods) that may be in progress at once.
 * Deeper recursion fails with Lua's "stack overflow" error at the same depth everywhere,
 * well before V8 runs out of stack (at about 3,000 compiled calls on Node's default stack),
 * whose depth would vary with the machine and the JIT.
 */
export const MAX_CALL_DEPTH = 1000;

/** Bytes of a string built that cost one budget unit, as 64 bytes cost one instruction on the other engines. */
export const STRING_BYTES_PER_UNIT = 64;

/** The message a chunk stops with when its budget is spent. */
export const BUDGET_MESSAGE = "budget exhausted (too many loop iterations and calls)";

const ARITH_EVENTS = {
  add: "__add",
  sub: "__sub",
  mul: "__mul",
  div: "__div",
  mod: "__mod",
  pow: "__pow",
  idiv: "__idiv",
  unm: "__unm",
  band: "__band",
  bor: "__bor",
  bxor: "__bxor",
  shl: "__shl",
  shr: "__shr",
  bnot: "__bnot",
} as const;
type ArithOp = keyof typeof ARITH_EVENTS;
const BITWISE = new Set<ArithOp>(["band", "bor", "bxor", "shl", "shr", "bnot"]);

const functionIds = new WeakMap<object, number>();
let nextFunctionId = 1;

/** Restarts function ids (what `tostring` shows) so a call's output never depends on earlier calls. */
export function resetFunctionIds(): void {
  nextFunctionId = 1;
}

/** Lua's `type` of a value. */
export function typeName(v: LuaValue): string {
  switch (typeof v) {
    case "undefined":
      return "nil";
    case "boolean":
      return "boolean";
    case "number":
    case "bigint":
      return "number";
    case "string":
      return "string";
    case "function":
      return "function";
    default:
      return v instanceof LuaFloat ? "number" : "table";
  }
}

/** `tostring` without metamethods. */
export function rawToString(v: LuaValue): string {
  switch (typeof v) {
    case "undefined":
      return "nil";
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return Number.isInteger(v) ? String(v) : formatFloat(v);
    case "bigint":
      return v.toString();
    case "string":
      return v;
    case "function": {
      let id = functionIds.get(v);
      if (id === undefined) functionIds.set(v, (id = nextFunctionId++));
      return `function: 0x${id.toString(16).padStart(8, "0")}`;
    }
    default:
      if (v instanceof LuaFloat) return formatFloat(v.n);
      return `table: 0x${(v as LuaTable).id.toString(16).padStart(8, "0")}`;
  }
}

/** The operations generated code calls: every table access, call, comparison and arithmetic goes through these. */
export function createOps(st: RunState) {
  const { sites, calls } = st;

  function where(site: number): string {
    const s = sites[site];
    return s === undefined ? "" : `${st.chunkName}:${s[0]}: `;
  }
  function fail(site: number, message: string): never {
    throw new LuaThrow(where(site) + message);
  }
  function named(site: number, which: 1 | 2): string {
    const d = sites[site]?.[which];
    return d === undefined ? "" : ` (${d})`;
  }
  function metatable(v: LuaValue): LuaTable | undefined {
    if (isTable(v)) return v.metatable;
    if (typeof v === "string") return st.stringMeta;
    return undefined;
  }
  function metamethod(v: LuaValue, event: string): LuaValue {
    const mt = metatable(v);
    return mt === undefined ? undefined : mt.get(event);
  }
  function first(r: LuaValue[]): LuaValue {
    return r[0];
  }

  /** Charges one back-edge or call; fails deterministically past the budget. */
  function tick(site: number): void {
    if (--st.left < 0) {
      st.left = 0;
      throw new LuaThrow(where(site) + BUDGET_MESSAGE, true);
    }
  }

  /** Charges `n` budget units for bulk work (string building: a unit per 64 bytes, see STRING_BYTES_PER_UNIT). */
  function charge(n: number, site: number): void {
    st.left -= n;
    if (st.left < 0) {
      st.left = 0;
      throw new LuaThrow(where(site) + BUDGET_MESSAGE, true);
    }
  }

  function call(f: LuaValue, site: number, ...args: LuaValue[]): LuaValue[] {
    if (--st.left < 0) tick(site);
    if (calls.length >= MAX_CALL_DEPTH) fail(site, "stack overflow");
    if (typeof f === "function") {
      calls.push(site);
      const r = f(...args);
      calls.pop();
      return r;
    }
    return callValue(f, site, args);
  }

  /** {@link call} of a value that is not a function: one that is not callable fails naming the first value of its __call chain without a __call, as native does. */
  function callValue(f: LuaValue, site: number, args: LuaValue[]): LuaValue[] {
    let g = f;
    for (let depth = 0; depth < 200 && typeof g !== "function"; depth++) {
      const h = metamethod(g, "__call");
      if (h === undefined) fail(site, `attempt to call a ${typeName(g)} value${named(site, 1)}`);
      g = h;
    }
    return invoke(f, args);
  }

  /**
   * Calls the metamethod `h` of `event` (`__add`, ...) for an operation at `site`: one that is not
   * callable fails naming the event as native does (its name from the operation, so `<=` falling
   * back on `__lt` names 'le'); from the runtime itself (site -1) without a position or a name.
   */
  function callMeta(h: LuaValue, args: LuaValue[], site: number, event: string): LuaValue {
    if (typeof h !== "function" && metamethod(h, "__call") === undefined) {
      if (site < 0) throw new LuaThrow(`attempt to call a ${typeName(h)} value`);
      fail(site, `attempt to call a ${typeName(h)} value (metamethod '${event.slice(2)}')`);
    }
    return invoke(h, args)[0];
  }

  function callMethod(o: LuaValue, key: string, site: number, ...args: LuaValue[]): LuaValue[] {
    return call(index(o, key, site), site, o, ...args);
  }

  /** Calls `f` from the runtime itself (metamethods, sort comparators, pcall). */
  function invoke(f: LuaValue, args: LuaValue[]): LuaValue[] {
    if (calls.length >= MAX_CALL_DEPTH) throw new LuaThrow("stack overflow");
    for (let depth = 0; depth < 200; depth++) {
      if (typeof f === "function") {
        calls.push(-1);
        const r = f(...args);
        calls.pop();
        return r;
      }
      const h = metamethod(f, "__call");
      if (h === undefined) break;
      args = [f, ...args];
      f = h;
    }
    throw new LuaThrow(`attempt to call a ${typeName(f)} value`);
  }

  /** `o[k]`: the array part of a table without a metatable is read here, anything else in indexSlow. */
  function index(o: LuaValue, k: LuaValue, site: number): LuaValue {
    if (isTable(o) && typeof k === "number" && o.metatable === undefined && Number.isInteger(k)) {
      const arr = o.arr;
      if (k >= 1 && k <= arr.length) return arr[k - 1];
    }
    return indexSlow(o, k, site);
  }
  function indexSlow(o: LuaValue, k: LuaValue, site: number): LuaValue {
    for (let loop = 0; loop < 2000; loop++) {
      let h: LuaValue;
      if (isTable(o)) {
        const v = o.get(k);
        if (v !== undefined || o.metatable === undefined) return v;
        h = o.metatable.get("__index");
        if (h === undefined) return undefined;
      } else {
        h = metamethod(o, "__index");
        if (h === undefined) fail(site, `attempt to index a ${typeName(o)} value${loop === 0 ? describeKey(o, k, site) : ""}`);
      }
      if (typeof h === "function") return first(invoke(h, [o, k]));
      o = h;
    }
    return fail(site, "'__index' chain too long; possible loop");
  }
  function describeKey(_o: LuaValue, k: LuaValue, site: number): string {
    const n = named(site, 1);
    if (n !== "") return n;
    return typeof k === "string" ? ` (field '${k}')` : "";
  }

  function checkKey(k: LuaValue, site: number): void {
    if (k === undefined) fail(site, "table index is nil");
    if (typeof k === "number" && Number.isNaN(k)) fail(site, "table index is NaN");
  }

  function setindex(o: LuaValue, k: LuaValue, v: LuaValue, site: number): void {
    for (let loop = 0; loop < 2000; loop++) {
      let h: LuaValue;
      if (isTable(o)) {
        const mt = o.metatable;
        if (mt === undefined || o.get(k) !== undefined || (h = mt.get("__newindex")) === undefined) {
          checkKey(k, site);
          o.set(k, v);
          return;
        }
      } else {
        h = metamethod(o, "__newindex");
        if (h === undefined) fail(site, `attempt to index a ${typeName(o)} value${loop === 0 ? describeKey(o, k, site) : ""}`);
      }
      if (typeof h === "function") {
        st.newindexSite = site;
        invoke(h, [o, k, v]);
        return;
      }
      o = h;
    }
    fail(site, "'__newindex' chain too long; possible loop");
  }

  /** A number for arithmetic: numbers as they are, strings converted as Lua does, else undefined. */
  function arithOperand(v: LuaValue): LuaNumber | undefined {
    if (isNumber(v)) return v;
    if (typeof v === "string") return parseNumber(v);
    return undefined;
  }

  function arith(op: ArithOp, a: LuaValue, b: LuaValue, site: number): LuaValue {
    const bitwise = BITWISE.has(op);
    const x = bitwise ? (isNumber(a) ? a : undefined) : arithOperand(a);
    const y = bitwise ? (isNumber(b) ? b : undefined) : arithOperand(b);
    if (x !== undefined && y !== undefined) return numericArith(op, x, y, site);
    const own = (v: LuaValue) => (typeof v === "string" ? undefined : metamethod(v, ARITH_EVENTS[op]));
    const h = own(a) ?? own(b);
    if (h === undefined && !bitwise && (typeof a === "string" || typeof b === "string")) {
      fail(site, `attempt to ${ARITH_EVENTS[op].slice(2)} a '${typeName(a)}' with a '${typeName(b)}'`);
    }
    if (h !== undefined) return callMeta(h, [a, b], site, ARITH_EVENTS[op]);
    const blameFirst = x === undefined;
    const bad = blameFirst ? a : b;
    const what = BITWISE.has(op) ? "perform bitwise operation on" : "perform arithmetic on";
    if (BITWISE.has(op) && isNumber(bad)) fail(site, "number has no integer representation");
    return fail(site, `attempt to ${what} a ${typeName(bad)} value${named(site, blameFirst ? 1 : 2)}`);
  }

  function numericArith(op: ArithOp, x: LuaNumber, y: LuaNumber, site: number): LuaValue {
    if (BITWISE.has(op)) {
      const i = toInteger(x);
      const j = toInteger(y);
      if (i === undefined || j === undefined) return fail(site, "number has no integer representation");
      const p = BigInt(i);
      const q = BigInt(j);
      switch (op) {
        case "band":
          return intOf(p & q);
        case "bor":
          return intOf(p | q);
        case "bxor":
          return intOf(p ^ q);
        case "bnot":
          return intOf(~p);
        case "shl":
          return shift(p, q);
        default:
          return shift(p, -q);
      }
    }
    const ints = (typeof x === "number" && Number.isInteger(x)) || typeof x === "bigint";
    const intsB = (typeof y === "number" && Number.isInteger(y)) || typeof y === "bigint";
    if (ints && intsB && op !== "div" && op !== "pow") {
      const i = x as number | bigint;
      const j = y as number | bigint;
      switch (op) {
        case "add":
          return intOf(BigInt(i) + BigInt(j));
        case "sub":
          return intOf(BigInt(i) - BigInt(j));
        case "mul":
          return intOf(BigInt(i) * BigInt(j));
        case "unm":
          return intOf(-BigInt(i));
        case "idiv":
          if (j === 0) fail(site, "attempt to divide by zero");
          return idivInt(i, j);
        case "mod":
          if (j === 0) fail(site, "attempt to perform 'n%0'");
          return modInt(i, j);
        default:
          break;
      }
    }
    const p = typeof x === "object" ? x.n : Number(x);
    const q = typeof y === "object" ? y.n : Number(y);
    switch (op) {
      case "add":
        return float(p + q);
      case "sub":
        return float(p - q);
      case "mul":
        return float(p * q);
      case "div":
        return float(p / q);
      case "pow":
        return float(Math.pow(p, q));
      case "unm":
        return float(-p);
      case "idiv":
        return float(Math.floor(p / q));
      default:
        return float(modFloat(p, q));
    }
  }

  function shift(p: bigint, by: bigint): number | bigint {
    if (by <= -64n || by >= 64n) return 0;
    const u = BigInt.asUintN(64, p);
    return intOf(by >= 0n ? u << by : u >> -by);
  }

  function add(a: LuaValue, b: LuaValue, site: number): LuaValue {
    if (typeof a === "number" && typeof b === "number") {
      const r = a + b;
      if (Number.isInteger(a) && Number.isInteger(b)) return Number.isSafeInteger(r) ? r : numericArith("add", a, b, site);
      return float(r);
    }
    if (isBoxedFloat(a)) {
      if (typeof b === "number") return float(a.n + b);
      if (isBoxedFloat(b)) return float(a.n + b.n);
    } else if (isBoxedFloat(b) && typeof a === "number") return float(a + b.n);
    return arith("add", a, b, site);
  }
  function sub(a: LuaValue, b: LuaValue, site: number): LuaValue {
    if (typeof a === "number" && typeof b === "number") {
      const r = a - b;
      if (Number.isInteger(a) && Number.isInteger(b)) return Number.isSafeInteger(r) ? r : numericArith("sub", a, b, site);
      return float(r);
    }
    if (isBoxedFloat(a)) {
      if (typeof b === "number") return float(a.n - b);
      if (isBoxedFloat(b)) return float(a.n - b.n);
    } else if (isBoxedFloat(b) && typeof a === "number") return float(a - b.n);
    return arith("sub", a, b, site);
  }
  function mul(a: LuaValue, b: LuaValue, site: number): LuaValue {
    if (typeof a === "number" && typeof b === "number") {
      const r = a * b;
      if (Number.isInteger(a) && Number.isInteger(b)) return Number.isSafeInteger(r) ? r + 0 : numericArith("mul", a, b, site);
      return float(r);
    }
    if (isBoxedFloat(a)) {
      if (typeof b === "number") return float(a.n * b);
      if (isBoxedFloat(b)) return float(a.n * b.n);
    } else if (isBoxedFloat(b) && typeof a === "number") return float(a * b.n);
    return arith("mul", a, b, site);
  }
  function div(a: LuaValue, b: LuaValue, site: number): LuaValue {
    if (typeof a === "number" && typeof b === "number") {
      const r = a / b;
      return float(r);
    }
    if (isBoxedFloat(a)) {
      if (typeof b === "number") return float(a.n / b);
      if (isBoxedFloat(b)) return float(a.n / b.n);
    } else if (isBoxedFloat(b) && typeof a === "number") return float(a / b.n);
    return arith("div", a, b, site);
  }
  const mod = (a: LuaValue, b: LuaValue, site: number) => arith("mod", a, b, site);
  const idiv = (a: LuaValue, b: LuaValue, site: number) => arith("idiv", a, b, site);
  const pow = (a: LuaValue, b: LuaValue, site: number) => arith("pow", a, b, site);
  const unm = (a: LuaValue, site: number) => (typeof a === "number" && Number.isInteger(a) ? -a + 0 : arith("unm", a, a, site));
  const band = (a: LuaValue, b: LuaValue, site: number) => arith("band", a, b, site);
  const bor = (a: LuaValue, b: LuaValue, site: number) => arith("bor", a, b, site);
  const bxor = (a: LuaValue, b: LuaValue, site: number) => arith("bxor", a, b, site);
  const shl = (a: LuaValue, b: LuaValue, site: number) => arith("shl", a, b, site);
  const shr = (a: LuaValue, b: LuaValue, site: number) => arith("shr", a, b, site);
  const bnot = (a: LuaValue, site: number) => arith("bnot", a, a, site);

  function concat(a: LuaValue, b: LuaValue, site: number): LuaValue {
    const sa = typeof a === "string" ? a : isNumber(a) ? rawToString(a) : undefined;
    const sb = typeof b === "string" ? b : isNumber(b) ? rawToString(b) : undefined;
    if (sa !== undefined && sb !== undefined) {
      const length = sa.length + sb.length;
      if (length > st.maxStringBytes) throw new LuaThrow(`${where(site)}string too large (${length} bytes > limit ${st.maxStringBytes})`, false, "memory");
      chargeHeap(length + COMPILED_HEAP_COST.stringBase);
      if (length >= STRING_BYTES_PER_UNIT) charge(length / STRING_BYTES_PER_UNIT, site);
      return sa + sb;
    }
    const h = metamethod(a, "__concat") ?? metamethod(b, "__concat");
    if (h !== undefined) return callMeta(h, [a, b], site, "__concat");
    const blameFirst = sa === undefined;
    return fail(site, `attempt to concatenate a ${typeName(blameFirst ? a : b)} value${named(site, blameFirst ? 1 : 2)}`);
  }

  function len(a: LuaValue, site: number): LuaValue {
    if (typeof a === "string") return a.length;
    const h = metamethod(a, "__len");
    if (h !== undefined) return callMeta(h, [a], site, "__len");
    if (a instanceof LuaTable) return a.length();
    return fail(site, `attempt to get length of a ${typeName(a)} value${named(site, 1)}`);
  }

  function rawEquals(a: LuaValue, b: LuaValue): boolean {
    if (a === b) return true;
    if (isNumber(a) && isNumber(b)) return compareNumbers(a, b) === 0;
    return false;
  }
  function eq(a: LuaValue, b: LuaValue, site = -1): boolean {
    if (a === b) return true;
    if (typeof a === "number" && typeof b === "number") return false;
    if (isNumber(a) && isNumber(b)) return compareNumbers(a, b) === 0;
    if (a instanceof LuaTable && b instanceof LuaTable) {
      const h = metamethod(a, "__eq") ?? metamethod(b, "__eq");
      if (h !== undefined) return truthy(callMeta(h, [a, b], site, "__eq"));
    }
    return false;
  }

  function compare(a: LuaValue, b: LuaValue, site: number, event: "__lt" | "__le"): boolean {
    if (isNumber(a) && isNumber(b)) {
      const c = compareNumbers(a, b);
      return event === "__lt" ? c < 0 : c <= 0;
    }
    if (typeof a === "string" && typeof b === "string") return event === "__lt" ? a < b : a <= b;
    const h = metamethod(a, event) ?? metamethod(b, event);
    if (h !== undefined) return truthy(callMeta(h, [a, b], site, event));
    if (event === "__le") {
      const lth = metamethod(a, "__lt") ?? metamethod(b, "__lt");
      if (lth !== undefined) return !truthy(callMeta(lth, [b, a], site, event));
    }
    const ta = typeName(a);
    const tb = typeName(b);
    return fail(site, ta === tb ? `attempt to compare two ${ta} values` : `attempt to compare ${ta} with ${tb}`);
  }
  function lt(a: LuaValue, b: LuaValue, site: number): boolean {
    if (typeof a === "number" && typeof b === "number") return a < b;
    return compare(a, b, site, "__lt");
  }
  function le(a: LuaValue, b: LuaValue, site: number): boolean {
    if (typeof a === "number" && typeof b === "number") return a <= b;
    return compare(a, b, site, "__le");
  }

  /**
   * Prepares a numeric for loop as Lua 5.4 does: [start, limit, step, mode], mode 0 for an
   * integer loop in JS numbers, 1 for a float loop, 2 for an integer loop in BigInt (any of
   * its values past 2^53). An integer loop's float limit is floored or ceiled and clipped to
   * the 64-bit integers; as BigInt never overflows, the loop ends where Lua's does.
   */
  function forPrep(a: LuaValue, l: LuaValue, s: LuaValue, site: number): [number, number, number, 0 | 1 | 2] | [bigint, bigint, bigint, 2] {
    const start = forNumber(a, site, "initial");
    const limit = forNumber(l, site, "limit");
    const step = forNumber(s, site, "step");
    const isIntLoop = (typeof start === "number" && Number.isInteger(start)) || typeof start === "bigint";
    const stepInt = (typeof step === "number" && Number.isInteger(step)) || typeof step === "bigint";
    if (isIntLoop && stepInt) {
      if (step === 0) fail(site, "'for' step is zero");
      const st0 = Number(step);
      let lim = floatValue(typeof limit === "bigint" ? Number(limit) : limit);
      if (!Number.isInteger(lim)) lim = st0 > 0 ? Math.floor(lim) : Math.ceil(lim);
      if (Number.isNaN(lim)) return [0, -1, 1, 0];
      const safe = (x: number) => x >= -Number.MAX_SAFE_INTEGER && x <= Number.MAX_SAFE_INTEGER;
      if (typeof start === "number" && typeof step === "number" && typeof limit !== "bigint" && safe(lim)) return [start, lim, st0, 0];
      const bigLimit =
        typeof limit === "bigint"
          ? limit
          : lim >= 2 ** 63
            ? 9223372036854775807n
            : lim <= -(2 ** 63)
              ? -9223372036854775808n
              : BigInt(lim);
      return [BigInt(start as number | bigint), bigLimit, BigInt(step as number | bigint), 2];
    }
    const fs = floatValue(typeof start === "bigint" ? Number(start) : start);
    const fst = floatValue(typeof step === "bigint" ? Number(step) : step);
    if (fst === 0) fail(site, "'for' step is zero");
    return [fs, floatValue(typeof limit === "bigint" ? Number(limit) : limit), fst, 1];
  }
  function forNumber(v: LuaValue, site: number, what: string): number | bigint | LuaFloat {
    if (isNumber(v)) return v;
    if (typeof v === "string") {
      const n = parseNumber(v);
      if (n !== undefined) return n;
    }
    return fail(site, `bad 'for' ${what} value (number expected, got ${typeName(v)})`);
  }

  /**
   * A table constructor. The positional values become the array part whole, nils included (as
   * Lua sizes it, so `#{1, nil, 3}` is 3 as there); they win over keyed fields for the same
   * index, as Lua's SETLIST runs after those.
   */
  function newTable(positional: LuaValue[], keyed: LuaValue[], site: number): LuaTable {
    const t = new LuaTable();
    let n = positional.length;
    chargeHeap(n * COMPILED_HEAP_COST.entry);
    while (n > 0 && positional[n - 1] === undefined) n--;
    t.arr = n === positional.length ? positional : positional.slice(0, n);
    const covered = positional.length;
    for (let i = 0; i < keyed.length; i += 2) {
      const k = keyed[i];
      const v = keyed[i + 1];
      checkKey(k, site);
      if (v === undefined) continue;
      const index = k instanceof LuaFloat ? k.n : k;
      if (typeof index === "number" && Number.isInteger(index) && index >= 1 && index <= covered) continue;
      t.set(k, v);
    }
    return t;
  }

  /** A closure just created, charged to the heap estimate. */
  function closure<F>(f: F): F {
    chargeHeap(COMPILED_HEAP_COST.closure);
    return f;
  }

  return {
    charge,
    closure,
    newTable,
    intOf,
    float,
    tick,
    call,
    callMethod,
    invoke,
    index,
    setindex,
    add,
    sub,
    mul,
    div,
    mod,
    idiv,
    pow,
    unm,
    band,
    bor,
    bxor,
    shl,
    shr,
    bnot,
    concat,
    len,
    eq,
    rawEquals,
    lt,
    le,
    forPrep,
    metatable,
    metamethod,
    fail,
    where,
  };
}

/** The operations one run's generated code uses. */
export type Ops = ReturnType<typeof createOps>;

/** Lua truthiness: everything but nil and false. */
export function truthy(v: LuaValue): boolean {
  return v !== undefined && v !== false;
}
