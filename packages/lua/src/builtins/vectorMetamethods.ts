import type { ArgShape } from "./ArgShape.ts";
import { numbers, readNumbers } from "./ArgShape.ts";
import type { Builtin } from "./Builtin.ts";
import { aVector, builtin } from "./Builtin.ts";

/** An operand of vector arithmetic: a number, a vector or an array of numbers, named "operand of <op>" in messages. */
function operand(op: string): ArgShape<Float64Array | number> {
  return {
    kind: "numbers or number",
    optional: false,
    read: (call, callee, arg) => call.number(arg) ?? readNumbers(call, callee, arg, `operand of ${op}`),
  };
}

function arithmetic(op: string, f: (x: number, y: number) => number): Builtin {
  return builtin({
    lib: "quant",
    name: "vector",
    args: [operand(op), operand(op)],
    kernel: (x, y) => {
      const n = typeof x === "number" ? (y as Float64Array).length : x.length;
      if (typeof y !== "number" && y.length !== n) throw new RangeError(`lengths differ (${n} and ${y.length}) in ${op}`);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = f(typeof x === "number" ? x : (x[i] as number), typeof y === "number" ? y : (y[i] as number));
      return out;
    },
    returns: aVector,
  });
}

/**
 * The arithmetic of quant vectors (+ − * / ^ with numbers and other vectors of the same
 * length, unary minus), as metamethods every engine puts in its vector metatable beside its
 * own indexing; like the builtins, defined once so the engines agree.
 */
export const vectorMetamethods: Readonly<Record<string, Builtin>> = {
  __add: arithmetic("+", (x, y) => x + y),
  __sub: arithmetic("-", (x, y) => x - y),
  __mul: arithmetic("*", (x, y) => x * y),
  __div: arithmetic("/", (x, y) => x / y),
  __pow: arithmetic("^", (x, y) => x ** y),
  __unm: builtin({ lib: "quant", name: "vector", args: [numbers], kernel: (a) => a.map((x) => -x), returns: aVector }),
};
