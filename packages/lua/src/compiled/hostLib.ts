import { builtinTable } from "../builtins/builtinTable.ts";
import type { CallLog } from "../CallLog.ts";
import type { Xoshiro128 } from "../random/Xoshiro128.ts";
import { compiledBuiltins } from "./CompiledBuiltinCall.ts";
import { LuaTable } from "./LuaTable.ts";
import { isNumber, toInteger } from "./numbers.ts";
import { typeName, type Ops, type RunState } from "./runtime.ts";
import { refusingViews, viewMetatable } from "./tsView.ts";
import { LuaThrow, float, intOf, toDouble, type LuaFunction, type LuaValue } from "./values.ts";

/** What one call gives its Lua code from outside: where `print` goes and the seeded random sequence. */
export interface CallHost {
  readonly log: CallLog;
  readonly random: Xoshiro128;
}

const MAXINT = 0x7fffffffffffffffn;
const utf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * Adds what the sandbox of every engine has beyond the plain Lua libraries of stdlib.ts: `print`
 * into the call's capped log, `math.random`/`math.randomseed` on the call's seeded sequence (Lua
 * 5.4's integer forms, as on wasmoon), the `ts` library from the shared builtin table, and
 * `rawset`/`setmetatable` refusing `ts` results.
 */
export function installHostLib(G: LuaTable, st: RunState, ops: Ops, host: CallHost): void {
  const here = () => ops.where(st.calls[st.calls.length - 1] ?? -1);
  const argError = (n: number, fname: string, msg: string): never => {
    throw new LuaThrow(`${here()}bad argument #${n} to '${fname}' (${msg})`);
  };
  const integer = (a: LuaValue[], n: number, fname: string): bigint => {
    const v = a[n - 1];
    if (!isNumber(v)) return argError(n, fname, `number expected, got ${n > a.length ? "no value" : typeName(v)}`);
    const i = toInteger(v);
    if (i === undefined) return argError(n, fname, "number has no integer representation");
    return BigInt(i);
  };

  const tostring = G.get("tostring") as LuaFunction;
  G.set("print", ((...a) => {
    const parts = a.map((v) => ops.invoke(tostring, [v])[0] as string);
    const line = parts.join("\t");
    ops.tick(st.calls[st.calls.length - 1] ?? -1);
    if (!host.log.truncated) host.log.add(utf8.decode(Uint8Array.from(line, (c) => c.charCodeAt(0))), line.length);
    return [];
  }) as LuaFunction);

  const math = G.get("math") as LuaTable;
  math.set("random", ((...a) => {
    const r = host.random.nextFloat();
    let low: bigint;
    let up: bigint;
    switch (a.length) {
      case 0:
        return [float(r)];
      case 1:
        low = 1n;
        up = integer(a, 1, "random");
        break;
      case 2:
        low = integer(a, 1, "random");
        up = integer(a, 2, "random");
        break;
      default:
        throw new LuaThrow(`${here()}wrong number of arguments`);
    }
    if (low > up) return argError(1, "random", "interval is empty");
    if (!(low >= 0n || up <= MAXINT + low)) return argError(1, "random", "interval too large");
    const k = BigInt(Math.floor(r * (Number(up - low) + 1)));
    return [intOf(low + (k > up - low ? up - low : k))];
  }) as LuaFunction);
  math.set("randomseed", ((...a) => {
    const v = a[0];
    if (!isNumber(v)) return argError(1, "randomseed", `number expected, got ${a.length === 0 ? "no value" : typeName(v)}`);
    host.random.seed(toDouble(v));
    return [];
  }) as LuaFunction);

  const viewMeta = viewMetatable(() => ops.where(st.newindexSite ?? -1));
  const ts = new LuaTable();
  for (const [name, fn] of Object.entries(compiledBuiltins(builtinTable, "ts", { st, ops, viewMeta }))) ts.set(name, fn);
  G.set("ts", ts);
  for (const name of ["rawset", "setmetatable"]) G.set(name, refusingViews(G.get(name) as LuaFunction, here));
}
