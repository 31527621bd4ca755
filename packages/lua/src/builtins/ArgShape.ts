import type { BuiltinCall } from "./BuiltinCall.ts";

/** Which builtin is reading its arguments, for messages "<lib>.<name>: …". */
export interface Callee {
  lib: string;
  name: string;
}

/** How one argument is read: the value it gives the kernel, or a Lua error in the one format all builtins share. */
export interface ArgShape<T> {
  /** What the shape accepts, for documentation and for tests that call every builtin; `min` bounds an integer. */
  readonly kind: "numbers" | "numbers or number" | "number" | "integer";
  readonly min?: number;
  /** Whether nil (or no argument) is accepted, standing for a default. */
  readonly optional: boolean;
  read(call: BuiltinCall, callee: Callee, arg: number): T;
}

/** Raises "<lib>.<name>: <message>". */
export function fail(call: BuiltinCall, callee: Callee, message: string): never {
  return call.raise(`${callee.lib}.${callee.name}: ${message}`);
}

/** Reads argument `arg` as numbers (a quant vector, or a Lua array copied); `what` names it in messages. */
export function readNumbers(call: BuiltinCall, callee: Callee, arg: number, what = `argument #${arg}`): Float64Array {
  const v = call.vector(arg);
  if (v !== undefined) return v;
  const a = call.array(arg);
  if (a instanceof Float64Array) return a;
  return fail(
    call,
    callee,
    a.element === undefined
      ? `${what} must be an array of numbers or a quant vector (got ${a.got})`
      : `element ${a.element} of ${what} is not a number (got ${a.got})`,
  );
}

/** An array of numbers or a quant vector. */
export const numbers: ArgShape<Float64Array> = { kind: "numbers", optional: false, read: (call, callee, arg) => readNumbers(call, callee, arg) };

/** Numbers, or a single number standing for all of them. */
export const numbersOrNumber: ArgShape<Float64Array | number> = {
  kind: "numbers or number",
  optional: false,
  read: (call, callee, arg) => call.number(arg) ?? readNumbers(call, callee, arg),
};

/** A number, `def` when nil or absent (required when `def` is undefined). */
export function number(what: string, def?: number): ArgShape<number> {
  return {
    kind: "number",
    optional: def !== undefined,
    read(call, callee, arg) {
      if (def !== undefined && call.isNil(arg)) return def;
      return call.number(arg) ?? fail(call, callee, `${what} must be a number`);
    },
  };
}

/** An integer ≥ `min` of at most 32 bits, `def` when nil or absent (required when `def` is undefined). */
export function integer(what: string, min: number, def?: number): ArgShape<number> {
  const expected = min === 1 ? "a positive integer" : min === 0 ? "an integer ≥ 0" : "an integer";
  return {
    kind: "integer",
    min,
    optional: def !== undefined,
    read(call, callee, arg) {
      if (def !== undefined && call.isNil(arg)) return def;
      const v = call.number(arg) ?? NaN;
      if (!Number.isInteger(v) || v < min || Math.abs(v) > 2147483647) fail(call, callee, `${what} must be ${expected}`);
      return v;
    },
  };
}

/** A window length: a positive integer, `def` when nil or absent if given. */
export const window = (def?: number): ArgShape<number> => integer("window", 1, def);

/** A lag: any integer, 1 when nil or absent. */
export const lag: ArgShape<number> = integer("lag", -Infinity, 1);
