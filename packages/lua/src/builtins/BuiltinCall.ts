/** What is wrong with an argument that should be an array of numbers: not a table, or element `element` is not a number. */
export interface NotNumbers {
  element?: number;
  got: string;
}

/**
 * One call of a builtin as an engine presents it: the few ways a builtin reads its
 * arguments, returns its results and fails. Each engine implements this once (its adapter);
 * everything else about a builtin — names, argument shapes, messages, kernels — lives in
 * {@link BUILTINS} and is shared, so the engines cannot drift.
 */
export interface BuiltinCall {
  /** Whether argument `arg` is nil or absent. */
  isNil(arg: number): boolean;
  /** Argument `arg` if it is a number (strings are not converted), else undefined. */
  number(arg: number): number | undefined;
  /** The values of the quant vector at `arg`, if it is one (shared with the vector: do not modify). */
  vector(arg: number): Float64Array | undefined;
  /**
   * The `ts` result at `arg` (its numbers, shared: do not modify) or the Lua array there
   * (elements 1..#a, read raw, copied) as numbers, charging one instruction per element
   * either way; or what is wrong with it.
   */
  array(arg: number): Float64Array | NotNumbers;
  /** Charges `n` instructions to the call's budget. */
  tick(n: number): void;
  pushNumber(x: number): void;
  /** Pushes `n`, a count below 2^31, as a Lua integer. */
  pushInteger(n: number): void;
  /** Pushes a `ts` result: a read-only view of `a` (which it keeps), charging one instruction per element. */
  pushArray(a: Float64Array): void;
  /** Pushes a new, plain Lua array of floats holding `a`, charging one instruction per element. */
  pushTable(a: Float64Array): void;
  /** Pushes a new quant vector holding `a`, charging one instruction per element. */
  pushVector(a: Float64Array): void;
  /** Raises a Lua error with `message` at the position of the Lua code that called the builtin. */
  raise(message: string): never;
}
