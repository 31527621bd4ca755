import type { ArgShape, Callee } from "./ArgShape.ts";
import { fail } from "./ArgShape.ts";
import type { BuiltinCall } from "./BuiltinCall.ts";

/** A builtin as engines install it: `call` reads the arguments, runs the kernel, pushes the results and returns how many. */
export interface Builtin extends Callee {
  readonly lib: "ts" | "quant";
  /** The shapes of its arguments, in order. */
  readonly args: readonly ArgShape<unknown>[];
  readonly call: (call: BuiltinCall) => number;
}

/** How a kernel's result reaches Lua; `push` returns the number of Lua values pushed. */
export interface ReturnShape<R> {
  push(call: BuiltinCall, result: R): number;
}

type Values<S extends readonly ArgShape<unknown>[]> = { [K in keyof S]: S[K] extends ArgShape<infer T> ? T : never };

/** One entry of the builtin table: what it is called, what it takes, what it computes and what it gives back. */
export interface BuiltinSpec<S extends readonly ArgShape<unknown>[], R> {
  lib: "ts" | "quant";
  name: string;
  args: S;
  kernel: (...args: Values<S>) => R;
  returns: ReturnShape<R>;
  /** Instructions charged per element of the first array argument, beyond reading and writing (default 0). */
  work?: number;
}

/**
 * Makes a builtin from its spec. Arguments are read in order (so the first bad one is the one
 * reported); a RangeError from the kernel becomes the Lua error "<lib>.<name>: <message>".
 */
export function builtin<const S extends readonly ArgShape<unknown>[], R>(spec: BuiltinSpec<S, R>): Builtin {
  const { lib, name, args, kernel, returns, work = 0 } = spec;
  const callee: Callee = { lib, name };
  return {
    lib,
    name,
    args,
    call(call) {
      const values = args.map((shape, i) => shape.read(call, callee, i + 1)) as Values<S>;
      if (work > 0) {
        const first = values.find((v): v is Float64Array => v instanceof Float64Array);
        if (first !== undefined) call.tick(work * first.length);
      }
      let result: R;
      try {
        result = kernel(...values);
      } catch (e) {
        if (e instanceof RangeError) fail(call, callee, e.message);
        throw e;
      }
      return returns.push(call, result);
    },
  };
}

/** A single number. */
export const aNumber: ReturnShape<number> = {
  push(call, x) {
    call.pushNumber(x);
    return 1;
  },
};

/** A count, as a Lua integer. */
export const aCount: ReturnShape<number> = {
  push(call, n) {
    call.pushInteger(n);
    return 1;
  },
};

/** A new `ts` result: a read-only view of the kernel's array (builtins/tsView.ts). */
export const anArray: ReturnShape<Float64Array> = {
  push(call, a) {
    call.pushArray(a);
    return 1;
  },
};

/** A new, plain Lua array of floats that Lua code may change. */
export const aTable: ReturnShape<Float64Array> = {
  push(call, a) {
    call.pushTable(a);
    return 1;
  },
};

/** A new quant vector. */
export const aVector: ReturnShape<Float64Array> = {
  push(call, a) {
    call.pushVector(a);
    return 1;
  },
};

/** Several quant vectors, picked from the kernel's result in order. */
export function vectors<R>(pick: (result: R) => Float64Array[]): ReturnShape<R> {
  return {
    push(call, result) {
      const out = pick(result);
      for (const a of out) call.pushVector(a);
      return out.length;
    },
  };
}
