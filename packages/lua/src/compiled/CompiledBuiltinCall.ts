import type { Builtin } from "../builtins/Builtin.ts";
import type { BuiltinCall, NotNumbers } from "../builtins/BuiltinCall.ts";
import { floatArray } from "./ColumnCache.ts";
import { LuaTable } from "./LuaTable.ts";
import { isNumber } from "./numbers.ts";
import { BUDGET_MESSAGE, typeName, type Ops, type RunState } from "./runtime.ts";
import { makeView, viewOf } from "./tsView.ts";
import { LuaThrow, float, toDouble, type LuaFunction, type LuaValue } from "./values.ts";

/** What the builtins of one run share: its state, its operations and the metatable of its `ts` results. */
export interface BuiltinHost {
  readonly st: RunState;
  readonly ops: Ops;
  readonly viewMeta: LuaTable;
}

/** The builtins' view of a compiled call: arguments as a JS array, results collected in order. */
export class CompiledBuiltinCall implements BuiltinCall {
  readonly results: LuaValue[] = [];
  readonly #args: readonly LuaValue[];
  readonly #host: BuiltinHost;

  constructor(args: readonly LuaValue[], host: BuiltinHost) {
    this.#args = args;
    this.#host = host;
  }

  isNil(arg: number): boolean {
    return this.#args[arg - 1] === undefined;
  }

  number(arg: number): number | undefined {
    const v = this.#args[arg - 1];
    return isNumber(v) ? toDouble(v) : undefined;
  }

  vector(): Float64Array | undefined {
    return undefined;
  }

  array(arg: number): Float64Array | NotNumbers {
    const v = this.#args[arg - 1];
    const view = viewOf(v);
    if (view !== undefined) {
      this.tick(view.length);
      return view;
    }
    if (!(v instanceof LuaTable)) return { got: arg > this.#args.length ? "no value" : typeName(v) };
    const items = v.arr;
    this.tick(items.length);
    const out = new Float64Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const x = items[i];
      if (!isNumber(x)) return { element: i + 1, got: typeName(x) };
      out[i] = toDouble(x);
    }
    return out;
  }

  tick(n: number): void {
    const { st, ops } = this.#host;
    st.left -= n;
    if (st.left < 0) {
      st.left = 0;
      throw new LuaThrow(ops.where(st.calls[st.calls.length - 1] ?? -1) + BUDGET_MESSAGE, true);
    }
  }

  pushNumber(x: number): void {
    this.results.push(float(x));
  }

  pushInteger(n: number): void {
    this.results.push(n);
  }

  pushArray(a: Float64Array): void {
    this.tick(a.length);
    this.results.push(makeView(a, this.#host.viewMeta));
  }

  pushTable(a: Float64Array): void {
    this.tick(a.length);
    const t = new LuaTable();
    t.arr = floatArray(a);
    this.results.push(t);
  }

  pushVector(): void {
    this.raise("quant vectors are not supported by the compiled engine");
  }

  raise(message: string): never {
    const { st, ops } = this.#host;
    throw new LuaThrow(ops.where(st.calls[st.calls.length - 1] ?? -1) + message);
  }
}

/** The builtins of `lib` from the shared table, as compiled-engine functions of one run. */
export function compiledBuiltins(table: readonly Builtin[], lib: Builtin["lib"], host: BuiltinHost): Record<string, LuaFunction> {
  return Object.fromEntries(
    table
      .filter((b) => b.lib === lib)
      .map((b) => {
        const fn: LuaFunction = (...args) => {
          const call = new CompiledBuiltinCall(args, host);
          b.call(call);
          return call.results;
        };
        return [b.name, fn];
      }),
  );
}
