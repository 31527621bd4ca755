import lvm from "fengari/src/lvm.js";

/** An arithmetic operator whose integer result fengari computes on 32 bits. */
export type IntegerOp = "+" | "-" | "*" | "//" | "<<" | ">>" | "unm";

/** Why fengari refuses `what`: it needs an integer Lua 5.4 has and fengari does not. */
export function beyondInt32(what: string): string {
  return `${what} does not fit fengari's 32-bit integers (Lua 5.4 has 64; use --engine wasmoon)`;
}

/** The message for an integer operation whose exact result fengari cannot hold. */
export function overflowMessage(op: IntegerOp, a: number, b: number): string {
  return `integer overflow: ${beyondInt32(op === "unm" ? `-(${a})` : `${a} ${op} ${b}`)}`;
}

const fitsInt32 = (n: number) => (n | 0) === n;

/** Lua 5.4's `x << y` (a right shift when y < 0) on 64-bit integers. */
function shift54(x: number, y: number): bigint {
  if (y <= -64 || y >= 64) return 0n;
  const bits = BigInt.asUintN(64, BigInt(x));
  return BigInt.asIntN(64, y >= 0 ? bits << BigInt(y) : bits >> BigInt(-y));
}

/**
 * True when Lua 5.4's result of integers `a op b` differs from what fengari computes on
 * 32 bits (it wraps). `//` by zero is left to fengari, which raises Lua's error.
 */
export function int32Overflows(op: IntegerOp, a: number, b: number): boolean {
  switch (op) {
    case "+":
      return !fitsInt32(a + b);
    case "-":
      return !fitsInt32(a - b);
    case "*":
      return !fitsInt32(a * b);
    case "//":
      return a === -0x80000000 && b === -1;
    case "unm":
      return a === -0x80000000;
    case "<<":
    case ">>": {
      const y = op === "<<" ? b : -b;
      if (a >= 0 && (y <= 0 || (y < 31 && a < 2 ** (31 - y)))) return false;
      return shift54(a, y) !== BigInt(lvm.luaV_shiftl(a, y));
    }
  }
}
